package queue

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Exports a person waits for run on a queue of their own, served by a
// worker pool apart from the media jobs.
const (
	QueueExports     = "exports"
	TypePortfolioPDF = "portfolio:pdf"
)

// PortfolioPDFPayload names the owner, the content version a request saw
// and the paper size ("a4", "letter").
type PortfolioPDFPayload struct {
	UserID    int64  `json:"user_id"`
	Version   int64  `json:"version"`
	Paper     string `json:"paper"`
	RequestID string `json:"request_id,omitempty"`
}

// NewPortfolioPDFTask makes the build of one PDF. Its id names the owner,
// the version and the paper, so that the many requests that find the
// same PDF missing queue one build. Completed builds are not retained:
// the stored PDF is the record, and a later request for the same version
// (the PDF removed meanwhile) can queue again.
func NewPortfolioPDFTask(userID, version int64, paper, requestID string) (*asynq.Task, error) {
	payload, err := json.Marshal(PortfolioPDFPayload{UserID: userID, Version: version, Paper: paper, RequestID: requestID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypePortfolioPDF, payload,
		asynq.TaskID(fmt.Sprintf("portfolio:pdf:%d:%d:%s", userID, version, paper)),
		asynq.Queue(QueueExports), asynq.MaxRetry(3), asynq.Timeout(time.Minute)), nil
}
