package api

import (
	"net/http"
	"strconv"

	"jhtbatch/batch"
)

// List page sizes.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// handleGetBatch answers one batch of the company, with its counters.
func (s *server) handleGetBatch(w http.ResponseWriter, r *http.Request, c batch.Company) {
	b, err := s.store.Batch(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, b.ID)
	writeJSON(w, http.StatusOK, toBatchJSON(b))
}

// handleListBatches answers a page of the company's batches, newest first.
func (s *server) handleListBatches(w http.ResponseWriter, r *http.Request, c batch.Company) {
	limit, err := pageSize(r.URL.Query().Get("limit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, next, err := s.store.Batches(r.Context(), c.ID, limit, r.URL.Query().Get("cursor"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := batchListJSON{Batches: make([]batchJSON, 0, len(list))}
	for _, b := range list {
		out.Batches = append(out.Batches, toBatchJSON(b))
	}
	if next != "" {
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// pageSize reads ?limit=: 1–100, default 20.
func pageSize(v string) (int, error) {
	if v == "" {
		return defaultPageSize, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, invalidParam("limit")
	}
	return n, nil
}

// handleCancel cancels the company's unfinished batch and answers it.
func (s *server) handleCancel(w http.ResponseWriter, r *http.Request, c batch.Company) {
	b, err := s.store.CancelBatch(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, b.ID)
	writeJSON(w, http.StatusOK, toBatchJSON(b))
}

// handleCreateFromCheck turns the company's finished validate-only batch
// into a create-mode batch of the same rows (docs "from check to claims"):
// 202 with the new batch, whose source_batch_id names the check, and the
// workers are asked to plan it as after an upload.
func (s *server) handleCreateFromCheck(w http.ResponseWriter, r *http.Request, c batch.Company) {
	b, err := s.store.CreateFromCheck(r.Context(), c.ID, r.PathValue("id"), principalOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.acceptUpload(w, r, b, false)
}

// handleReceipt answers the signed submission receipt of the company's batch.
func (s *server) handleReceipt(w http.ResponseWriter, r *http.Request, c batch.Company) {
	rc, err := s.store.Receipt(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, rc.BatchID)
	writeJSON(w, http.StatusOK, rc)
}

// handleGetClaim answers one claim of the company, identifiers masked.
func (s *server) handleGetClaim(w http.ResponseWriter, r *http.Request, c batch.Company) {
	cl, err := s.store.Claim(r.Context(), c.ID, r.PathValue("number"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, cl.BatchID)
	writeJSON(w, http.StatusOK, toClaimJSON(cl))
}
