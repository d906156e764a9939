package batch

import "net/url"

// ParseWebhookURL checks the URL a company's finished batches are announced
// to: http:// or https:// with a host name. It returns the URL in the form
// to store, or a WEBHOOK_URL error.
func ParseWebhookURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", Fail(CodeWebhookURL, Detail{Code: CodeWebhookURL, Column: "url"})
	}
	return u.String(), nil
}
