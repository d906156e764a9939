package postgres

import (
	"context"

	"jhtbatch/batch"
)

// Claim returns the company's claim with that number; another company's
// claim is not found.
func (s *Store) Claim(ctx context.Context, companyID int64, number string) (batch.ClaimRecord, error) {
	var c batch.ClaimRecord
	var reason, status string
	if !batch.ValidClaimNumber(number) {
		return c, batch.NotFound("claim")
	}
	err := s.pool.QueryRow(ctx, `
		SELECT claim_number, batch_id::text, row_no, company_id, kpj, nik, full_name, reason, termination_date,
			eligible_on, status, bank_code, bank_account, account_name, phone, email, npwp,
			gross_amount, tax_amount, net_amount, rules_version, created_at, updated_at
		FROM claims WHERE claim_number = $1 AND company_id = $2`, number, companyID).Scan(
		&c.Number, &c.BatchID, &c.Row, &c.CompanyID, &c.KPJ, &c.NIK, &c.FullName, &reason, &c.TerminationDate,
		&c.EligibleOn, &status, &c.BankCode, &c.BankAccount, &c.AccountName, &c.Phone, &c.Email, &c.NPWP,
		&c.Gross, &c.Tax, &c.Net, &c.RulesVersion, &c.CreatedAt, &c.UpdatedAt)
	c.Reason, c.Status = batch.Reason(reason), batch.ClaimStatus(status)
	return c, translate(err, "claim")
}
