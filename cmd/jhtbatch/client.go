package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"jhtbatch/batch"
)

// apiClient talks to the jhtbatch API as one company.
type apiClient struct {
	base string // scheme://host[:port][/prefix], no trailing slash
	key  string
	lang batch.Lang
	http *http.Client
}

// newAPIClient checks the base URL and the key. No timeout is set on the
// client: a large upload over a slow line may take minutes; ctx bounds it.
func newAPIClient(base, key string, lang batch.Lang) (*apiClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("submit: API URL %q: want http(s)://host:port", base)
	}
	if key == "" {
		return nil, fmt.Errorf("submit: no API key: pass --key or set %s", envKey)
	}
	return &apiClient{base: strings.TrimRight(base, "/"), key: key, lang: lang, http: &http.Client{}}, nil
}

// batchInfo is the part of the API's batch (docs/api.md) the client uses.
type batchInfo struct {
	ID            string       `json:"id"`
	Status        batch.Status `json:"status"`
	Mode          batch.Mode   `json:"mode"`
	Filename      string       `json:"filename"`
	TotalRows     int          `json:"total_rows"`
	ProcessedRows int          `json:"processed_rows"`
	Created       int          `json:"created"`
	Valid         int          `json:"valid"`
	Rejected      int          `json:"rejected"`
	Warnings      int          `json:"warnings"`
}

// apiError is an error answer of the API: its HTTP status and its body
// {"error":{"code","message","details":[…]}}.
type apiError struct {
	Status int
	Body   errorBody
}

// errorBody is the "error" object of an error answer.
type errorBody struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Details []errorDetail `json:"details"`
	BatchID string        `json:"batch_id"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("API answered %d %s: %s", e.Status, e.Body.Code, e.Body.Message)
}

// errorDetail is one detail of an error answer.
type errorDetail struct {
	Code    string `json:"code"`
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// describe renders a detail for the terminal: where, then the message (or
// the code when there is none), then the code.
func (d errorDetail) describe() string {
	var where []string
	if d.Line > 0 {
		where = append(where, fmt.Sprintf("line %d", d.Line))
	}
	if d.Column != "" {
		where = append(where, fmt.Sprintf("column %q", d.Column))
	}
	msg := d.Message
	if msg == "" {
		msg = d.Code
	}
	if len(where) > 0 && !strings.Contains(strings.ToLower(msg), "line") && !strings.Contains(strings.ToLower(msg), "baris") {
		msg = strings.Join(where, ", ") + ": " + msg
	}
	return fmt.Sprintf("%s [%s]", msg, d.Code)
}

// upload sends the file at path as multipart/form-data. The file is
// streamed through a pipe, never held in memory whole.
func (c *apiClient) upload(ctx context.Context, path string, validate bool) (batchInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return batchInfo{}, fmt.Errorf("submit: %w", err)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		defer f.Close()
		pw.CloseWithError(writeMultipart(mw, f, filepath.Base(path)))
	}()
	endpoint := c.base + "/v1/batches"
	if validate {
		endpoint += "?mode=validate"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, pr)
	if err != nil {
		pr.Close()
		return batchInfo{}, fmt.Errorf("submit: %w", err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var b batchInfo
	if err := c.do(req, &b); err != nil {
		return batchInfo{}, fmt.Errorf("upload %s: %w", path, err)
	}
	return b, nil
}

// writeMultipart writes the form with one part, the file, and closes it.
func writeMultipart(mw *multipart.Writer, f io.Reader, name string) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": name}))
	h.Set("Content-Type", "text/csv")
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, f); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return mw.Close()
}

// batch asks for the batch id.
func (c *apiClient) batch(ctx context.Context, id string) (batchInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/batches/"+url.PathEscape(id), nil)
	if err != nil {
		return batchInfo{}, err
	}
	var b batchInfo
	err = c.do(req, &b)
	return b, err
}

// maxPollFailures is how many polls in a row may fail (the API restarting,
// a network blip) before wait gives up.
const maxPollFailures = 5

// wait polls the batch every interval until it is finished, showing its
// progress on p.
func (c *apiClient) wait(ctx context.Context, b batchInfo, p *progress, interval time.Duration) (batchInfo, error) {
	failures := 0
	for !b.Status.Finished() {
		p.update(b)
		select {
		case <-ctx.Done():
			p.stop()
			return b, ctx.Err()
		case <-time.After(interval):
		}
		next, err := c.batch(ctx, b.ID)
		var ae *apiError
		if err != nil && (errors.As(err, &ae) && ae.Status < 500 || failures+1 >= maxPollFailures) {
			p.stop()
			return b, fmt.Errorf("follow batch %s: %w", b.ID, err)
		}
		if err != nil {
			failures++
			continue
		}
		failures, b = 0, next
	}
	p.done(b)
	return b, nil
}

// saveReport downloads the report of batch id in format (csv or xlsx) to
// out. It writes a temporary file next to out and renames it, so that out
// is never left half written.
func (c *apiClient) saveReport(ctx context.Context, id, format, out string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/batches/"+url.PathEscape(id)+"/report."+format, nil)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := c.doTo(req, tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("download report of batch %s: %w", id, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	return nil
}

// do sends req with the key and decodes a JSON answer into v.
func (c *apiClient) do(req *http.Request, v any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := c.send(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("read the API's answer: %w", err)
	}
	return nil
}

// doTo sends req with the key and copies a successful answer to w.
func (c *apiClient) doTo(req *http.Request, w io.Writer) error {
	resp, err := c.send(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}

// send sends req with the key and the language, and turns an answer that is
// not 2xx into an *apiError.
func (c *apiClient) send(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept-Language", string(c.lang))
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	ae := &apiError{Status: resp.StatusCode}
	body := struct {
		Error *errorBody `json:"error"`
	}{Error: &ae.Body}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil || ae.Body.Code == "" {
		ae.Body.Code = "http_" + fmt.Sprint(resp.StatusCode)
		ae.Body.Message = http.StatusText(resp.StatusCode)
	}
	return nil, ae
}
