// The unpacked path for small problems.

package blas

// small computes the whole product without packing. Each element is
// accumulated in order of k from zero, then combined with C as
// alpha*sum + beta*C. Which path a call takes depends only on its shape.
func (p *problem) small() {
	var acc [64]float32
	for i := range p.m {
		for j0 := 0; j0 < p.n; j0 += len(acc) {
			s := acc[:min(len(acc), p.n-j0)]
			if p.transB {
				p.smallDots(s, i, j0)
			} else {
				p.smallRows(s, i, j0)
			}
			row := p.c[i*p.ldc+j0 : i*p.ldc+j0+len(s)]
			alpha, beta := p.alpha, p.beta
			if beta == 0 {
				for j, v := range s {
					row[j] = alpha * v
				}
			} else {
				for j, v := range s {
					row[j] = alpha*v + beta*row[j]
				}
			}
		}
	}
}

// rowA returns where row i of op(A) starts in p.a and its element stride.
func (p *problem) rowA(i int) (base, stride int) {
	if p.transA {
		return i, p.lda
	}
	return i * p.lda, 1
}

// smallDots sets s[j] = op(A)[i][:] · op(B)[:][j0+j] when B is stored
// transposed, so that each column of op(B) is a contiguous row of B. Four
// columns are computed at once for independent dependency chains.
func (p *problem) smallDots(s []float32, i, j0 int) {
	a, b, k, ldb := p.a, p.b, p.k, p.ldb
	base, stride := p.rowA(i)
	j := 0
	for ; j+4 <= len(s); j += 4 {
		b0 := b[(j0+j)*ldb:][:k]
		b1 := b[(j0+j+1)*ldb:][:k]
		b2 := b[(j0+j+2)*ldb:][:k]
		b3 := b[(j0+j+3)*ldb:][:k]
		var s0, s1, s2, s3 float32
		for q := range b0 {
			x := a[base+q*stride]
			s0 += x * b0[q]
			s1 += x * b1[q]
			s2 += x * b2[q]
			s3 += x * b3[q]
		}
		s[j], s[j+1], s[j+2], s[j+3] = s0, s1, s2, s3
	}
	for ; j < len(s); j++ {
		bj := b[(j0+j)*ldb:][:k]
		var sum float32
		for q, v := range bj {
			sum += a[base+q*stride] * v
		}
		s[j] = sum
	}
}

// smallRows sets s = op(A)[i][:] · B[:, j0:j0+len(s)] when B is stored as
// is, adding one row of B at a time.
func (p *problem) smallRows(s []float32, i, j0 int) {
	a, b, ldb := p.a, p.b, p.ldb
	base, stride := p.rowA(i)
	clear(s)
	for q := range p.k {
		x := a[base+q*stride]
		bq := b[q*ldb+j0:][:len(s)]
		for j, v := range bq {
			s[j] += x * v
		}
	}
}
