package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/foliohq/folio/internal/portfoliopdf"
	"github.com/foliohq/folio/internal/queue"
	"github.com/foliohq/folio/internal/socialcard"
)

// ExportHandlers build the exports people wait for: the PDF portfolio,
// and the social cards that link previews show.
type ExportHandlers struct {
	PDF   *portfoliopdf.Service
	Cards *socialcard.Service // nil: no cards are rendered
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

// HandleSocialCards renders and stores an owner's social cards as the
// portfolio is now (see socialcard.Service.Build).
func (h *ExportHandlers) HandleSocialCards(ctx context.Context, t *asynq.Task) error {
	var p queue.SocialCardsPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	return h.Cards.Build(ctx, p.UserID, p.Version)
}
