package batch

// IssueView is one issue of a row as a person reads it: the code, the
// column as the user uploaded it (and its position among the shown
// columns, -1 when the issue concerns the whole row), whether it only
// warns, and the message in the caller's language.
type IssueView struct {
	Code    Code
	Column  string
	Index   int
	Warning bool
	Message string
}

// RowViewer renders the rows of one batch the way its report does: the
// same columns (a report uploaded again does not show its old report
// columns), each named by its uploaded header, in the report's language.
type RowViewer struct {
	r     renderer
	index map[string]int // shown header name -> position
}

// NewRowViewer returns the viewer of the rows of the batch m describes.
func NewRowViewer(m ReportMeta) RowViewer {
	r := newRenderer(m)
	index := make(map[string]int, len(r.header))
	for i, h := range r.header {
		if _, seen := index[h]; !seen {
			index[h] = i
		}
	}
	return RowViewer{r: r, index: index}
}

// Header is the names of the shown columns, as uploaded.
func (v RowViewer) Header() []string { return v.r.header }

// Values are the row's uploaded values, one per shown column: a row with
// fewer fields than the header is padded with empty values, a longer one
// cut (its FIELD_COUNT issue says so).
func (v RowViewer) Values(l ReportLine) []string { return v.r.shown(fitFields(l.Fields, v.r.width)) }

// Issues renders the row's issues in order.
func (v RowViewer) Issues(l ReportLine) []IssueView {
	out := make([]IssueView, len(l.Issues))
	for i, is := range l.Issues {
		name := v.r.names[is.Column]
		idx := -1
		if name != "" {
			idx = v.index[name]
		}
		out[i] = IssueView{
			Code: is.Code, Column: name, Index: idx, Warning: is.Code.IsWarning(),
			Message: is.message(v.r.lang, v.r.names),
		}
	}
	return out
}
