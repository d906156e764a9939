package api

import (
	"net/http"
	"strconv"
	"sync"

	"jhtbatch/batch"
)

// Report builds are capped: each one holds a buffer, a page of rows and,
// for the XLSX, its compressor's buffers and a spool file, so unbounded parallel
// downloads could take the process's memory. reportSlots counts the builds
// in progress, in the process and per company, so that no company can take
// every slot and another's download still gets one.
type reportSlots struct {
	mu         sync.Mutex
	max        int // builds in the process
	perCompany int // builds of one company
	busy       int
	byCompany  map[int64]int
}

// Defaults of the report caps.
const (
	DefaultReportConcurrency = 4
	reportRetryAfter         = 5 // seconds, the Retry-After of a 429
)

func newReportSlots(n int) *reportSlots {
	if n <= 0 {
		n = DefaultReportConcurrency
	}
	return &reportSlots{max: n, perCompany: max(1, (n+1)/2), byCompany: map[int64]int{}}
}

// acquire takes a slot for company, or reports false when none is free.
func (rs *reportSlots) acquire(company int64) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.busy >= rs.max || rs.byCompany[company] >= rs.perCompany {
		return false
	}
	rs.busy++
	rs.byCompany[company]++
	return true
}

func (rs *reportSlots) release(company int64) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.busy--
	if rs.byCompany[company]--; rs.byCompany[company] <= 0 {
		delete(rs.byCompany, company)
	}
}

// reportSlot takes a report slot for c, or answers 429 TOO_MANY_REQUESTS
// with Retry-After; the caller must call release when the report is done.
func (s *server) reportSlot(w http.ResponseWriter, r *http.Request, c batch.Company) (release func(), ok bool) {
	if !s.reports.acquire(c.ID) {
		w.Header().Set("Retry-After", strconv.Itoa(reportRetryAfter))
		s.writeError(w, r, batch.Fail(batch.CodeTooManyRequests))
		return nil, false
	}
	return func() { s.reports.release(c.ID) }, true
}
