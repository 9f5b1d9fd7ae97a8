package httpapi

// MarkdownRenders is how many times s has rendered Markdown, for tests
// that check a page renders its Markdown once.
func MarkdownRenders(s *Server) int64 { return s.markdownRenders.Load() }
