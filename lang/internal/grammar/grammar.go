// Package grammar is the participle grammar of the kiln language: the
// lexer, the parse-tree types whose struct tags are the grammar, and the
// parsers built from them. Package lang turns the parse tree into its AST
// and owns error reporting; nothing outside lang uses this package.
//
// The type names are the production names that Parser.String() prints, so
// they read as the grammar (lang/grammar.ebnf).
package grammar

import (
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Token names, as the lexer defines them.
const (
	TokComment = "Comment"
	TokEOL     = "EOL"
	TokKeyword = "Keyword"
	TokIdent   = "Ident"
	TokNumber  = "Number"
	TokString  = "String"
	TokPunct   = "Punct"
)

// Keywords are the reserved words.
var Keywords = []string{"model", "input", "output", "train", "compile"}

// Lexer tokenizes kiln source. Rules are tried in order and the first that
// matches wins. Keywords are a token type of their own, so that <ident> never
// matches a reserved word.
//
// Number is deliberately loose (it runs on over letters, digits, dots and an
// exponent's sign) so that "1.2.3" or "3x" is one token that package lang can
// reject as a malformed number, rather than two tokens that make a confusing
// syntax error. Spaces and tabs are skipped; a lone "\r" is not whitespace.
var Lexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: TokComment, Pattern: `//[^\n]*`},
	{Name: TokEOL, Pattern: `\r?\n`},
	{Name: "whitespace", Pattern: `[ \t]+`},
	{Name: TokKeyword, Pattern: `(?:` + strings.Join(Keywords, "|") + `)\b`},
	{Name: TokIdent, Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: TokNumber, Pattern: `(?:[0-9]|\.[0-9])(?:[eE][+-]|[0-9A-Za-z_.])*`},
	{Name: TokString, Pattern: `"(?:\\[^\n]|[^"\\\n])*"`},
	{Name: TokPunct, Pattern: `[{}()\[\],=:+*-]`},
})

// File is a whole source file.
type File struct {
	Leading  []*Blank `parser:"@@*"`
	Model    *Model   `parser:"@@"`
	Trailing []*Blank `parser:"@@*"`
}

// Blank is a blank or comment-only line outside the model.
type Blank struct {
	Pos     lexer.Position
	Comment string `parser:"@Comment? EOL"`
}

// Model is the model: header line, body lines, closing line.
type Model struct {
	Pos        lexer.Position
	Name       lexer.Token `parser:"'model' @Ident '{'"`
	Comment    string      `parser:"@Comment? EOL"`
	Body       []*Line     `parser:"@@*"`
	Close      lexer.Token `parser:"@'}'"`
	EndComment string      `parser:"@Comment? EOL"`
}

// Line is one line of the model's body.
type Line struct {
	Pos     lexer.Position
	Stmt    *Statement `parser:"@@?"`
	Comment string     `parser:"@Comment? EOL"`
}

// Statement is one statement of the model's body.
type Statement struct {
	Input   *Input   `parser:"  @@"`
	Output  *Output  `parser:"| @@"`
	Block   *Block   `parser:"| @@"`
	Binding *Binding `parser:"| @@"`
}

// Input is `input NAME: TYPE`.
type Input struct {
	Pos  lexer.Position
	Name lexer.Token `parser:"'input' @Ident ':'"`
	Type *Type       `parser:"@@"`
}

// Type is `DTYPE[D, ...]`.
type Type struct {
	Pos   lexer.Position
	DType lexer.Token `parser:"@Ident '['"`
	Dims  []*Dim      `parser:"( @@ ( ',' @@ )* )? ']'"`
}

// Dim is one dimension of a Type.
type Dim struct {
	Number lexer.Token `parser:"@Number"`
}

// Output is `output NAME` or `output NAME = EXPR`.
type Output struct {
	Pos   lexer.Position
	Name  lexer.Token `parser:"'output' @Ident"`
	Value *Expr       `parser:"( '=' @@ )?"`
}

// Block is `train { ... }` or `compile { ... }`. The rest of its closing
// line (a comment and the end of line) belongs to the enclosing Line.
type Block struct {
	Pos     lexer.Position
	Kind    lexer.Token    `parser:"@( 'train' | 'compile' ) '{'"`
	Comment string         `parser:"@Comment? EOL"`
	Body    []*SettingLine `parser:"@@*"`
	Close   lexer.Token    `parser:"@'}'"`
}

// SettingLine is one line of a block's body.
type SettingLine struct {
	Pos     lexer.Position
	Setting *Setting `parser:"@@?"`
	Comment string   `parser:"@Comment? EOL"`
}

// Setting is `KEY = EXPR` in a block.
type Setting struct {
	Pos   lexer.Position
	Name  lexer.Token `parser:"@Ident '='"`
	Value *Expr       `parser:"@@"`
}

// Binding is `NAME = EXPR` in the model's body.
type Binding struct {
	Pos   lexer.Position
	Name  lexer.Token `parser:"@Ident '='"`
	Value *Expr       `parser:"@@"`
}

// Expr is a sum: Term, then Terms added or subtracted, left to right.
type Expr struct {
	Left *Term      `parser:"@@"`
	Rest []*AddTerm `parser:"@@*"`
}

// AddTerm is `+ TERM` or `- TERM`.
type AddTerm struct {
	Op   lexer.Token `parser:"@( '+' | '-' )"`
	Term *Term       `parser:"@@"`
}

// Term is a product: Unary, then Unarys multiplied, left to right.
type Term struct {
	Left *Unary     `parser:"@@"`
	Rest []*MulTerm `parser:"@@*"`
}

// MulTerm is `* UNARY`.
type MulTerm struct {
	Op    lexer.Token `parser:"@'*'"`
	Unary *Unary      `parser:"@@"`
}

// Unary is a negation or a Primary.
type Unary struct {
	Minus   *lexer.Token `parser:"( @'-'"`
	Operand *Unary       `parser:"  @@"`
	Primary *Primary     `parser:"| @@ )"`
}

// Primary is an operand.
type Primary struct {
	Name   *Name        `parser:"  @@"`
	Number *lexer.Token `parser:"| @Number"`
	String *lexer.Token `parser:"| @String"`
	List   *List        `parser:"| @@"`
	Paren  *Expr        `parser:"| '(' @@ ')'"`
}

// Name is a name, or a call when arguments follow it.
type Name struct {
	Name lexer.Token `parser:"@Ident"`
	Args *Args       `parser:"@@?"`
}

// Args is the argument list of a call.
type Args struct {
	Args   []*Arg      `parser:"'(' ( @@ ( ',' @@ )* )?"`
	Rparen lexer.Token `parser:"@')'"`
}

// Arg is a positional argument (EXPR), or a keyword argument (NAME = EXPR)
// when Value is set: then X must be a bare name, which package lang checks.
// Written so, the grammar needs no lookahead.
type Arg struct {
	Tokens []lexer.Token
	X      *Expr `parser:"@@"`
	Value  *Expr `parser:"( '=' @@ )?"`
}

// List is `[E, ...]`.
type List struct {
	Pos   lexer.Position
	Elems []*Expr `parser:"'[' ( @@ ( ',' @@ )* )? ']'"`
}

// The grammar is LL(1): one token decides every choice, so the parsers
// use no lookahead at all. A branch that has consumed a token is committed
// to, and a syntax error is reported at the token where the input stops
// fitting the grammar, not at some earlier point that a backtracking
// parser would return to.
var (
	Parser = participle.MustBuild[File](participle.Lexer(Lexer), participle.UseLookahead(0))

	// StatementParser and SettingParser parse one line's tokens, without
	// its comment and end of line, as Parser would. Package lang uses them
	// to find every error of a file, line by line, once Parser has rejected
	// it.
	StatementParser = mustProduction[Statement]()
	SettingParser   = mustProduction[Setting]()
)

func mustProduction[P any]() *participle.Parser[P] {
	p, err := participle.ParserForProduction[P](Parser)
	if err != nil {
		panic(err)
	}
	return p
}
