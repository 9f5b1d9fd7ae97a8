package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/queue"
)

// ExportHandlers build the exports people wait for: the PDF portfolio.
type ExportHandlers struct {
	PDF *portfoliopdf.Service
}

// HandlePortfolioPDF builds and stores an owner's PDF portfolio on one
// paper size, as the portfolio is now (see portfoliopdf.Service.Build).
func (h *ExportHandlers) HandlePortfolioPDF(ctx context.Context, t *asynq.Task) error {
	var p queue.PortfolioPDFPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	paper, ok := portfoliopdf.ParsePaper(p.Paper)
	if !ok {
		return fmt.Errorf("bad paper %q: %w", p.Paper, asynq.SkipRetry)
	}
	return h.PDF.Build(ctx, p.UserID, p.Version, paper)
}
