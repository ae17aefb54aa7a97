// Package lang is the kiln description language: its grammar, parser,
// abstract syntax tree and canonical formatter. SPEC.md specifies the
// language; grammar.ebnf is the grammar as the parser sees it.
//
// The AST keeps comments and blank lines (as Lines), so that the formatter
// can print a file back in canonical form without losing anything.
package lang

import "github.com/kiln-nn/kiln/source"

// File is one parsed .kiln file.
type File struct {
	Filename string
	Leading  []*Line // blank and comment lines before `model`
	Model    *Model
	Trailing []*Line // blank and comment lines after the model's closing brace
}

// Model is `model NAME { ... }`.
type Model struct {
	Pos        source.Pos // of the keyword
	Name       *Ident
	Comment    string // trailing comment of the header line, with its `//`, or ""
	Body       []*Line
	End        source.Pos // of the closing brace
	EndComment string     // trailing comment of the closing line
}

// Line is one line of a body: a statement, a comment, both, or neither
// (a blank line). A Block spans several lines but is one Line; its comments
// are Block.Comment and Block.EndComment, and the Line's Comment is empty.
type Line struct {
	Pos     source.Pos
	Stmt    Stmt   // nil for a blank or comment-only line
	Comment string // the line's `//` comment, slashes included, or ""
}

// Stmt is one of *Input, *Binding, *OutputRef, *Block, *Setting.
// (*Setting appears only inside a Block.)
type Stmt interface {
	Position() source.Pos
	stmt()
}

// Input is `input NAME: TYPE`.
type Input struct {
	Pos  source.Pos
	Name *Ident
	Type *Type
}

// Type is `DTYPE[D0, D1, ...]`: a per-sample shape; the batch dimension is
// implicit.
type Type struct {
	Pos   source.Pos
	DType *Ident
	Dims  []*Number // integer literals
}

// Binding is `NAME = EXPR`, or `output NAME = EXPR` when Output is set.
type Binding struct {
	Pos    source.Pos // of `output` if Output, else of the name
	Output bool
	Name   *Ident
	Value  Expr
}

// OutputRef is `output NAME`: marks an existing binding or input as an
// output of the model.
type OutputRef struct {
	Pos  source.Pos
	Name *Ident
}

// Block is `train { ... }` or `compile { ... }`: settings for a build
// pipeline. Its lines hold *Setting statements.
type Block struct {
	Pos        source.Pos
	Kind       string // "train" or "compile"
	Comment    string // trailing comment of the opening line
	Body       []*Line
	End        source.Pos
	EndComment string
}

// Setting is `KEY = EXPR` inside a block.
type Setting struct {
	Pos   source.Pos
	Name  *Ident
	Value Expr
}

func (s *Input) Position() source.Pos     { return s.Pos }
func (s *Binding) Position() source.Pos   { return s.Pos }
func (s *OutputRef) Position() source.Pos { return s.Pos }
func (s *Block) Position() source.Pos     { return s.Pos }
func (s *Setting) Position() source.Pos   { return s.Pos }
func (*Input) stmt()                      {}
func (*Binding) stmt()                    {}
func (*OutputRef) stmt()                  {}
func (*Block) stmt()                      {}
func (*Setting) stmt()                    {}

// Expr is one of *Binary, *Unary, *Call, *Ident, *Number, *String, *List.
// Parentheses leave no node: the tree's shape records them, and the
// formatter puts back exactly the parentheses that precedence needs.
type Expr interface {
	Position() source.Pos // where the expression starts
	expr()
}

// Binary is X OP Y with OP one of + - *.
type Binary struct {
	OpPos source.Pos
	Op    string
	X, Y  Expr
}

// Unary is -X.
type Unary struct {
	Pos source.Pos
	Op  string
	X   Expr
}

// Call is FUNC(ARG, ..., NAME=VALUE, ...).
type Call struct {
	Func   *Ident
	Args   []*Arg
	Rparen source.Pos
}

// Arg is a positional (Name == nil) or keyword argument.
type Arg struct {
	Name  *Ident
	Value Expr
}

// Ident is a name.
type Ident struct {
	Pos  source.Pos
	Name string
}

// Number is an integer or floating-point literal, kept as written.
type Number struct {
	Pos   source.Pos
	Text  string
	IsInt bool
}

// String is a double-quoted string literal.
type String struct {
	Pos   source.Pos
	Value string // unquoted
}

// List is [E, E, ...].
type List struct {
	Pos   source.Pos
	Elems []Expr
}

func (e *Binary) Position() source.Pos { return e.X.Position() }
func (e *Unary) Position() source.Pos  { return e.Pos }
func (e *Call) Position() source.Pos   { return e.Func.Pos }
func (e *Ident) Position() source.Pos  { return e.Pos }
func (e *Number) Position() source.Pos { return e.Pos }
func (e *String) Position() source.Pos { return e.Pos }
func (e *List) Position() source.Pos   { return e.Pos }
func (*Binary) expr()                  {}
func (*Unary) expr()                   {}
func (*Call) expr()                    {}
func (*Ident) expr()                   {}
func (*Number) expr()                  {}
func (*String) expr()                  {}
func (*List) expr()                    {}

// Position returns where the argument starts.
func (a *Arg) Position() source.Pos {
	if a.Name != nil {
		return a.Name.Pos
	}
	return a.Value.Position()
}
