package worker

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"jhtbatch/batch"
)

// webhookTimeout bounds one call of a company's webhook.
const webhookTimeout = 10 * time.Second

// webhookDrainBytes is how much of a webhook's answer is read (and thrown
// away) so that the connection can be reused.
const webhookDrainBytes = 64 << 10

// webhookClient calls webhooks; it follows no redirect, so a webhook
// cannot send the signed body anywhere else.
var webhookClient = &http.Client{
	Timeout:       webhookTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// notice is the body of a webhook call: what finished, never a row's data.
type notice struct {
	Event string      `json:"event"`
	Batch noticeBatch `json:"batch"`
}

type noticeBatch struct {
	ID            string    `json:"id"`
	Status        string    `json:"status"`
	Mode          string    `json:"mode"`
	Filename      string    `json:"filename"`
	TotalRows     int       `json:"total_rows"`
	ProcessedRows int       `json:"processed_rows"`
	Created       int       `json:"created"`
	Valid         int       `json:"valid"`
	Rejected      int       `json:"rejected"`
	Warnings      int       `json:"warnings"`
	RulesVersion  string    `json:"rules_version"`
	FinishedAt    time.Time `json:"finished_at"`
	ReportCSV     string    `json:"report_csv"`
}

// HandleNotify announces a finished batch to its company's webhook with a
// signed POST; a failed call is retried with backoff. A batch announced
// already, or whose company has no webhook, needs nothing.
func (h *Handlers) HandleNotify(ctx context.Context, t *asynq.Task) error {
	var p NotifyPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	n, pending, err := h.store.PendingNotice(ctx, p.BatchID)
	if err != nil || !pending {
		return err
	}
	if err := post(ctx, n, h.now()); err != nil {
		return fmt.Errorf("notify batch %s: %w", p.BatchID, err)
	}
	h.log.Info("batch announced", "batch_id", p.BatchID)
	return h.store.MarkNotified(ctx, p.BatchID)
}

// post sends the notice of n, signed: the header Jhtbatch-Signature is
// "t=<unix time>,v1=<hex HMAC-SHA256 of '<unix time>.<body>' with the
// company's secret>", so the receiver can check who sent it and when.
func post(ctx context.Context, n batch.Notice, now time.Time) error {
	b := n.Batch
	var finished time.Time
	if b.FinishedAt != nil {
		finished = b.FinishedAt.UTC()
	}
	body, err := json.Marshal(notice{Event: "batch.finished", Batch: noticeBatch{
		ID: b.ID, Status: string(b.Status), Mode: string(b.Mode), Filename: b.Filename,
		TotalRows: b.TotalRows, ProcessedRows: b.ProcessedRows, Created: b.Created, Valid: b.Valid,
		Rejected: b.Rejected, Warnings: b.Warnings, RulesVersion: b.RulesVersion, FinishedAt: finished,
		ReportCSV: batch.ReportCSVPath(b.ID)}})
	if err != nil {
		return fmt.Errorf("encode notice: %w", err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "jhtbatch-webhook")
	req.Header.Set("Jhtbatch-Signature", "t="+ts+",v1="+Sign(n.Secret, ts, body))
	res, err := webhookClient.Do(req)
	if err != nil {
		return fmt.Errorf("call webhook: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, webhookDrainBytes))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}

// Sign is the v1 signature of a webhook body sent at unix time ts.
func Sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
