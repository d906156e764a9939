package redact

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// NewHandler returns a slog.Handler that masks personal data (see Mask) in
// the message and in every attribute value before passing the record to next,
// including attributes added with WithAttrs and those nested in groups.
// Attributes whose key names personal data (nik, kpj, bank_account, account,
// phone, email, npwp and their Indonesian column aliases) are masked whatever
// their value looks like. Numbers are left alone unless they have the length
// of a NIK or a KPJ, so that counters and amounts stay readable; times,
// durations and booleans are never masked.
func NewHandler(next slog.Handler) slog.Handler {
	return &handler{next: next}
}

type handler struct {
	next slog.Handler
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return &handler{next: h.next.WithAttrs(masked)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{next: h.next.WithGroup(name)}
}

// maskAttr masks one attribute, recursing into groups.
func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		group := v.Group()
		masked := make([]slog.Attr, len(group))
		for i, g := range group {
			masked[i] = maskAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(masked...)}
	}
	if kind, ok := sensitiveKey(a.Key); ok {
		return slog.String(a.Key, maskAs(kind, valueText(v)))
	}
	return slog.Attr{Key: a.Key, Value: maskValue(v)}
}

// maskValue masks a resolved value that is not a group.
func maskValue(v slog.Value) slog.Value {
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(Mask(v.String()))
	case slog.KindInt64, slog.KindUint64:
		s := v.String()
		if n := len(strings.TrimPrefix(s, "-")); n == nikDigits || n == kpjDigits {
			return slog.StringValue(maskRun(strings.TrimPrefix(s, "-")))
		}
		return v
	case slog.KindAny:
		if v.Any() == nil {
			return v
		}
		// An error, a Stringer or any other value is logged as text, so it
		// is masked as text; keeping its structure could keep personal data.
		return slog.StringValue(Mask(valueText(v)))
	}
	return v // bool, float, duration, time: never personal data
}

// valueText returns the text a handler would print for v.
func valueText(v slog.Value) string {
	switch v.Kind() {
	case slog.KindString:
		return v.String()
	case slog.KindInt64:
		return strconv.FormatInt(v.Int64(), 10)
	case slog.KindUint64:
		return strconv.FormatUint(v.Uint64(), 10)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return err.Error()
		}
		return fmt.Sprint(v.Any())
	}
	return v.String()
}
