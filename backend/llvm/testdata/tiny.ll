; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Arena: 128 bytes per example.

; h.weight.q = param  tiny.kiln:4:13
@h.weight.q = private unnamed_addr constant [48 x i8] c"\CC\BD\EC\81L\BB\7F\96W\DCL\12\81\C5\CC\A9[\D1\AF\1E\8F\AF\7F\E4\EE\F7A4\F0\7F\8E\F9\7F]C\17\CB\84\CC\F0\BC\7Ff\E0\CE\81 \93", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14
@y.weight.q = private unnamed_addr constant [32 x i8] c"Wq\AF\A8\7F\CA\02\F6\7F\B0\F2\9C!\E5\91\1F\81\DE\1Aw\AD]Fh\121\C4\07F\F2y\81", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [4 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [4 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [4 x i32] [i32 -8, i32 -8, i32 -7, i32 -8], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %0, i8* %1, i64 %2, i1 %3)

define internal i32 @kiln_requant(i32 %x, i32 %m, i32 %shift) nounwind {
entry:
	%0 = icmp sgt i32 %shift, 0
	%1 = select i1 %0, i32 %shift, i32 0
	%2 = sub i32 0, %shift
	%3 = select i1 %0, i32 0, i32 %2
	%4 = shl i32 %x, %1
	%5 = icmp eq i32 %4, -2147483648
	%6 = icmp eq i32 %m, -2147483648
	%7 = and i1 %5, %6
	%8 = sext i32 %4 to i64
	%9 = sext i32 %m to i64
	%10 = mul i64 %8, %9
	%11 = icmp sge i64 %10, 0
	%12 = select i1 %11, i64 u0x40000000, i64 -1073741823
	%13 = add i64 %10, %12
	%14 = sdiv i64 %13, u0x80000000
	%15 = trunc i64 %14 to i32
	%16 = select i1 %7, i32 u0x7FFFFFFF, i32 %15
	%17 = shl i32 1, %3
	%18 = sub i32 %17, 1
	%19 = and i32 %16, %18
	%20 = ashr i32 %18, 1
	%21 = icmp slt i32 %16, 0
	%22 = zext i1 %21 to i32
	%23 = add i32 %20, %22
	%24 = icmp sgt i32 %19, %23
	%25 = zext i1 %24 to i32
	%26 = ashr i32 %16, %3
	%27 = add i32 %26, %25
	ret i32 %27
}

define internal void @kiln_quantize(float* %in, i8* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %23, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr float, float* %in, i64 %elems.i
	%2 = load float, float* %1
	%3 = fdiv float %2, %scale
	%4 = fpext float %3 to double
	%5 = fcmp uno float %3, %3
	%6 = select i1 %5, double 0.0, double %4
	%7 = fcmp olt double %6, -2.147483648e+09
	%8 = select i1 %7, double -2.147483648e+09, double %6
	%9 = fcmp ogt double %8, 2.147483647e+09
	%10 = select i1 %9, double 2.147483647e+09, double %8
	%11 = fcmp olt double %10, 0.0
	%12 = select i1 %11, double -0.5, double 0.5
	%13 = fadd double %10, %12
	%14 = fptosi double %13 to i64
	%15 = sext i32 %zero to i64
	%16 = add i64 %14, %15
	%17 = icmp slt i64 %16, -128
	%18 = select i1 %17, i64 -128, i64 %16
	%19 = icmp sgt i64 %18, 127
	%20 = select i1 %19, i64 127, i64 %18
	%21 = trunc i64 %20 to i8
	%22 = getelementptr i8, i8* %out, i64 %elems.i
	store i8 %21, i8* %22
	%23 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_dequantize(i8* %in, float* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %10, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr i8, i8* %in, i64 %elems.i
	%2 = load i8, i8* %1
	%3 = sext i8 %2 to i32
	%4 = sub i32 %3, %zero
	%5 = sitofp i32 %4 to double
	%6 = fpext float %scale to double
	%7 = fmul double %6, %5
	%8 = fptrunc double %7 to float
	%9 = getelementptr float, float* %out, i64 %elems.i
	store float %8, float* %9
	%10 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_qdense(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %rows, i64 %in, i64 %units, i32 %out_off, i32 %lo, i32 %hi) nounwind {
entry:
	br label %row

row:
	%row.i = phi i64 [ 0, %entry ], [ %8, %unit.end ]
	%0 = icmp slt i64 %row.i, %rows
	br i1 %0, label %row.body, label %row.end

row.body:
	%1 = mul i64 %row.i, %in
	%2 = getelementptr i8, i8* %x, i64 %1
	%3 = mul i64 %row.i, %units
	%4 = getelementptr i8, i8* %out, i64 %3
	br label %unit

row.end:
	ret void

unit:
	%unit.i = phi i64 [ 0, %row.body ], [ %35, %dot.end ]
	%5 = icmp slt i64 %unit.i, %units
	br i1 %5, label %unit.body, label %unit.end

unit.body:
	%6 = mul i64 %unit.i, %in
	%7 = getelementptr i8, i8* %w, i64 %6
	br label %dot

unit.end:
	%8 = add i64 %row.i, 1
	br label %row

dot:
	%dot.i = phi i64 [ 0, %unit.body ], [ %19, %dot.body ]
	%9 = phi i32 [ 0, %unit.body ], [ %18, %dot.body ]
	%10 = icmp slt i64 %dot.i, %in
	br i1 %10, label %dot.body, label %dot.end

dot.body:
	%11 = getelementptr i8, i8* %2, i64 %dot.i
	%12 = load i8, i8* %11
	%13 = sext i8 %12 to i32
	%14 = getelementptr i8, i8* %7, i64 %dot.i
	%15 = load i8, i8* %14
	%16 = sext i8 %15 to i32
	%17 = mul i32 %16, %13
	%18 = add i32 %9, %17
	%19 = add i64 %dot.i, 1
	br label %dot

dot.end:
	%20 = getelementptr i32, i32* %bias, i64 %unit.i
	%21 = load i32, i32* %20
	%22 = add i32 %9, %21
	%23 = getelementptr i32, i32* %mult, i64 %unit.i
	%24 = load i32, i32* %23
	%25 = getelementptr i32, i32* %shift, i64 %unit.i
	%26 = load i32, i32* %25
	%27 = call i32 @kiln_requant(i32 %22, i32 %24, i32 %26)
	%28 = add i32 %27, %out_off
	%29 = icmp sgt i32 %28, %lo
	%30 = select i1 %29, i32 %28, i32 %lo
	%31 = icmp slt i32 %30, %hi
	%32 = select i1 %31, i32 %30, i32 %hi
	%33 = trunc i32 %32 to i8
	%34 = getelementptr i8, i8* %4, i64 %unit.i
	store i8 %33, i8* %34
	%35 = add i64 %unit.i, 1
	br label %unit
}

define internal void @kiln_qrequantize(i8* %in, i8* %out, i64 %count, i32 %in_off, i32 %out_off, i32 %mult, i32 %shift, i32 %lo, i32 %hi) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %13, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr i8, i8* %in, i64 %elems.i
	%2 = load i8, i8* %1
	%3 = sext i8 %2 to i32
	%4 = add i32 %3, %in_off
	%5 = call i32 @kiln_requant(i32 %4, i32 %mult, i32 %shift)
	%6 = add i32 %5, %out_off
	%7 = icmp sgt i32 %6, %lo
	%8 = select i1 %7, i32 %6, i32 %lo
	%9 = icmp slt i32 %8, %hi
	%10 = select i1 %9, i32 %8, i32 %hi
	%11 = trunc i32 %10 to i8
	%12 = getelementptr i8, i8* %out, i64 %elems.i
	store i8 %11, i8* %12
	%13 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_tiny_body(i64 %n, i8* %arena) nounwind {
entry:
	%0 = mul i64 %n, 64
	%1 = getelementptr i8, i8* %arena, i64 %0
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %1, i64 %n, i64 6, i64 8, i32 -128, i32 -128, i32 127), !kiln.src !0
	%2 = mul i64 %n, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %3, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n, i64 8, i64 4, i32 -46, i32 -128, i32 127), !kiln.src !1
	ret void
}

define i32 @kiln_tiny_run(i32 %n, i8* %x, i8* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %arena, i8* %x, i64 %1, i1 false)
	call void @kiln_tiny_body(i64 %n64, i8* %arena)
	%2 = mul i64 %n64, 4
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %2, i1 false)
	ret i32 0

bad_batch:
	ret i32 -1
}

define i32 @kiln_tiny_run_f32(i32 %n, float* %x, float* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @kiln_quantize(float* %x, i8* %arena, i64 %1, float 0x3F97F7A660000000, i32 3), !kiln.src !2
	call void @kiln_tiny_body(i64 %n64, i8* %arena)
	%2 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %2, float 0x3F73951760000000, i32 -46), !kiln.src !3
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 128
}

!0 = !{!"h.q = qdense  tiny.kiln:4:13"}
!1 = !{!"y.q = qdense  tiny.kiln:5:14"}
!2 = !{!"x.q = quantize  tiny.kiln:3:9"}
!3 = !{!"y = dequantize  tiny.kiln:5:14"}
