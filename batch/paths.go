package batch

// BatchPath is the URL path of batch id in the API. The API's links and the
// webhook notices the workers send both name it, so it is spelled once.
func BatchPath(id string) string { return "/v1/batches/" + id }

// ReportCSVPath is the URL path of the CSV report of batch id.
func ReportCSVPath(id string) string { return BatchPath(id) + "/report.csv" }
