package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// The bounds below keep the work of one render roughly linear in the size
// of its source. goldmark follows CommonMark without the safeguards of
// cmark: each link opener may scan to the end of its paragraph, emphasis
// delimiters are matched pairwise, and each quote or list level adds to
// every line below it. Real Markdown stays far inside every bound; what
// goes beyond one is shown as the text it was written as.
const (
	// MaxBytes is the longest source Render formats as Markdown; a longer
	// one is shown as escaped text. It is above every Markdown field Folio
	// stores (20 000 characters of at most 4 bytes).
	MaxBytes = 80_000

	// MaxNesting is how many block quotes and lists may enclose one
	// another; a deeper ">" or list marker stays text.
	MaxNesting = 16

	// maxLinksPerBlock is how many "[" or "![" in one paragraph, heading or
	// table cell may open a link or image. Each may cost a scan to the
	// end of the block.
	maxLinksPerBlock = 100

	// maxDelimitersPerBlock is how many runs of "*", "_" or "~" in one
	// block take part in emphasis; goldmark matches them pairwise.
	maxDelimitersPerBlock = 200

	// maxTableCells is how many cells the tables of one document may have
	// in all. GFM pads every row to the width of its header, so a wide
	// header over many short lines would otherwise multiply the output.
	maxTableCells = 10_000
)

// nestingLimit keeps a container block parser (block quotes, lists) from
// opening a block deeper than MaxNesting.
type nestingLimit struct {
	parser.BlockParser
}

func (n nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if depth(parent) >= MaxNesting {
		return nil, parser.NoChildren
	}
	return n.BlockParser.Open(parent, reader, pc)
}

// depth counts the containers around n, n included.
func depth(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			d++
		}
	}
	return d
}

// inlineBudget lets an inline parser start at most max nodes in one block;
// past that its trigger characters are text. Parsers that share a key
// share the budget. counts says which calls spend it (nil: all).
type inlineBudget struct {
	parser.InlineParser
	key    parser.ContextKey
	max    int
	counts func(line []byte) bool
}

func (b inlineBudget) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if b.counts != nil && !b.counts(line) {
		return b.InlineParser.Parse(parent, block, pc)
	}
	spent := counter(pc, b.key)
	if *spent >= b.max {
		return nil
	}
	n := b.InlineParser.Parse(parent, block, pc)
	if n != nil {
		*spent++
	}
	return n
}

// CloseBlock renews the budget for the next block and lets the parser
// close the block itself.
func (b inlineBudget) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	*counter(pc, b.key) = 0
	if cb, ok := b.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
}

// opensLink reports whether the link parser is called on "[" or "![",
// rather than on the "]" that closes one.
func opensLink(line []byte) bool {
	return len(line) > 0 && (line[0] == '[' || bytes.HasPrefix(line, []byte("![")))
}

// counter is a per-document count kept in the parser context.
func counter(pc parser.Context, key parser.ContextKey) *int {
	if n, ok := pc.Get(key).(*int); ok {
		return n
	}
	n := new(int)
	pc.Set(key, n)
	return n
}

var (
	linksKey      = parser.NewContextKey()
	delimitersKey = parser.NewContextKey()
	tableCellsKey = parser.NewContextKey()
)

// tableLimit leaves a paragraph as text when turning it into a table could
// take the document past maxTableCells. It counts before the table exists,
// generously: every line of the paragraph times its widest line.
type tableLimit struct {
	parser.ParagraphTransformer
}

func (t tableLimit) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() < 2 {
		return
	}
	widest := 0
	for i := range lines.Len() {
		seg := lines.At(i)
		widest = max(widest, bytes.Count(reader.Value(seg), []byte("|"))+1)
	}
	used := counter(pc, tableCellsKey)
	cells := lines.Len() * widest
	if *used+cells > maxTableCells {
		return
	}
	parent, next := node.Parent(), node.NextSibling()
	t.ParagraphTransformer.Transform(node, reader, pc)
	// A new table sits where the paragraph ended (the paragraph may be gone).
	made := parent.LastChild()
	if next != nil {
		made = next.PreviousSibling()
	}
	if made != nil && made.Kind() == east.KindTable {
		*used += cells
	}
}
