package ir

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// AttrKind is the type of an attribute value.
type AttrKind uint8

// Attribute kinds. Values are stored as int, []int, float64, string and
// bool respectively.
const (
	AttrInt AttrKind = iota + 1
	AttrInts
	AttrFloat
	AttrString
	AttrBool
)

func (k AttrKind) String() string {
	switch k {
	case AttrInt:
		return "int"
	case AttrInts:
		return "list of ints"
	case AttrFloat:
		return "number"
	case AttrString:
		return "string"
	case AttrBool:
		return "bool"
	}
	return "attr kind " + strconv.Itoa(int(k))
}

// PerSpatialDim as an AttrSpec.Len says that a list attribute has one entry
// per spatial dimension of the op's first operand (its rank minus the
// channel dimension): 2 for conv2d, 1 for conv1d.
const PerSpatialDim = -1

// AttrSpec describes one attribute of an op.
type AttrSpec struct {
	Name     string
	Kind     AttrKind
	Default  any      // value when absent; nil with Required false means "optional, no default"
	Required bool     // must be given
	Len      int      // for AttrInts: the list's required length, PerSpatialDim, or 0 for any
	Enum     []string // for AttrString: the allowed values, if limited
	Doc      string
}

// Attrs holds an op's attribute values by name.
type Attrs map[string]any

// Int returns an int attribute (0 if absent).
func (a Attrs) Int(name string) int { v, _ := a[name].(int); return v }

// Ints returns a list attribute (nil if absent).
func (a Attrs) Ints(name string) []int { v, _ := a[name].([]int); return v }

// Float returns a float attribute (0 if absent).
func (a Attrs) Float(name string) float64 { v, _ := a[name].(float64); return v }

// String returns a string attribute ("" if absent).
func (a Attrs) String(name string) string { v, _ := a[name].(string); return v }

// Bool returns a bool attribute (false if absent).
func (a Attrs) Bool(name string) bool { v, _ := a[name].(bool); return v }

// Has reports whether the attribute is present.
func (a Attrs) Has(name string) bool { _, ok := a[name]; return ok }

// Clone returns a deep copy.
func (a Attrs) Clone() Attrs {
	c := make(Attrs, len(a))
	for k, v := range a {
		if l, ok := v.([]int); ok {
			v = slices.Clone(l)
		}
		c[k] = v
	}
	return c
}

// attrEqual compares two attribute values.
func attrEqual(x, y any) bool {
	if xl, ok := x.([]int); ok {
		yl, ok := y.([]int)
		return ok && slices.Equal(xl, yl)
	}
	return x == y
}

// checkKind reports whether v holds a value of kind k.
func checkKind(k AttrKind, v any) bool {
	switch v.(type) {
	case int:
		return k == AttrInt
	case []int:
		return k == AttrInts
	case float64:
		return k == AttrFloat
	case string:
		return k == AttrString
	case bool:
		return k == AttrBool
	}
	return false
}

// formatAttr prints an attribute value as the IR text does.
func formatAttr(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case []int:
		var b strings.Builder
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(x))
		}
		b.WriteByte(']')
		return b.String()
	case float64:
		return formatF64(v)
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprintf("%v", v)
}
