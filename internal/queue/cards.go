package queue

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// TypeSocialCards renders an owner's social cards (internal/socialcard).
// It runs on the exports queue: a small, CPU-bound job that a page view
// or a finished upload asks for, kept apart from ffmpeg's.
const TypeSocialCards = "cards:render"

// SocialCardsPayload names the owner and the content version the asker
// saw.
type SocialCardsPayload struct {
	UserID  int64 `json:"user_id"`
	Version int64 `json:"version"`
}

// NewSocialCardsTask makes the rendering of one owner's cards. Its id
// names the owner and the version, so that the page views that find the
// same card missing queue one render. Completed renders are not
// retained: the stored cards are the record.
func NewSocialCardsTask(userID, version int64) (*asynq.Task, error) {
	payload, err := json.Marshal(SocialCardsPayload{UserID: userID, Version: version})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeSocialCards, payload,
		asynq.TaskID(fmt.Sprintf("cards:%d:%d", userID, version)),
		asynq.Queue(QueueExports), asynq.MaxRetry(3), asynq.Timeout(2*time.Minute)), nil
}
