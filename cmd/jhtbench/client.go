package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"jhtbatch/batch"
)

// client drives the API as a company.
type client struct {
	base, key string
	http      *http.Client
	poll      time.Duration // between two status requests
}

func (c *client) request(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	return c.http.Do(req)
}

// upload posts the file as the raw body and returns the batch id of the 202.
func (c *client) upload(ctx context.Context, path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	resp, err := c.request(ctx, http.MethodPost, "/v1/batches?filename=bench.csv", fh)
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	defer resp.Body.Close()
	var b struct {
		ID string `json:"id"`
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal(body, &b) != nil || b.ID == "" {
		return "", fmt.Errorf("upload: %s: %.300s", resp.Status, body)
	}
	return b.ID, nil
}

// waitFinished polls the batch until it is finished and returns its status.
// alive, when set, fails the wait when a process died; progress, when set,
// is given the rows processed after each poll.
func (c *client) waitFinished(ctx context.Context, id string, alive func() error, progress func(int) error) (string, error) {
	for {
		resp, err := c.request(ctx, http.MethodGet, batch.BatchPath(id), nil)
		if err != nil {
			return "", err
		}
		var b struct {
			Status    string `json:"status"`
			Processed int    `json:"processed_rows"`
		}
		err = json.NewDecoder(resp.Body).Decode(&b)
		resp.Body.Close()
		if err != nil {
			return "", fmt.Errorf("batch status: %w", err)
		}
		switch b.Status {
		case "completed", "completed_with_errors", "failed", "cancelled":
			return b.Status, nil
		}
		if alive != nil {
			if err := alive(); err != nil {
				return "", err
			}
		}
		if progress != nil {
			if err := progress(b.Processed); err != nil {
				return "", err
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(c.poll):
		}
	}
}

// download reads a report to the end and returns how long it took.
func (c *client) download(ctx context.Context, path string) (time.Duration, error) {
	t := time.Now()
	resp, err := c.request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	d := time.Since(t)
	if err != nil || resp.StatusCode != http.StatusOK || n == 0 {
		return 0, fmt.Errorf("GET %s: %s, %d bytes, %v", path, resp.Status, n, err)
	}
	return d, nil
}
