package batch

// BatchPath is the URL path of batch id in the API. The API's route table
// (with id "{id}"), its links and the webhook notices the workers send all
// name it, so it is spelled once.
func BatchPath(id string) string { return "/v1/batches/" + id }

// ReportCSVPath is the URL path of the CSV report of batch id; like
// BatchPath, the route table registers it with id "{id}".
func ReportCSVPath(id string) string { return BatchPath(id) + "/report.csv" }
