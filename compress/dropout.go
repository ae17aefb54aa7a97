package compress

import "github.com/kiln-nn/kiln/lang"

// RemoveDropout rewrites every dropout(x, ...) in f's model as x and
// returns how many it removed: a distilled student is regularized by its
// teacher's soft targets (Hinton et al.'s student had no other
// regularizer), and dropout rates set for the teacher's widths are too
// strong for a narrower student's.
func RemoveDropout(f *lang.File) int {
	n := 0
	var strip func(e lang.Expr) lang.Expr
	strip = func(e lang.Expr) lang.Expr {
		switch e := e.(type) {
		case *lang.Call:
			for _, a := range e.Args {
				a.Value = strip(a.Value)
			}
			if e.Func.Name == "dropout" && len(e.Args) > 0 && e.Args[0].Name == nil {
				n++
				return e.Args[0].Value
			}
		case *lang.Binary:
			e.X, e.Y = strip(e.X), strip(e.Y)
		case *lang.Unary:
			e.X = strip(e.X)
		case *lang.List:
			for i, x := range e.Elems {
				e.Elems[i] = strip(x)
			}
		}
		return e
	}
	for _, l := range f.Model.Body {
		if b, ok := l.Stmt.(*lang.Binding); ok {
			b.Value = strip(b.Value)
		}
	}
	return n
}
