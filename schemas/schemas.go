// Package schemas holds what the program embeds and serves as is: the SQL
// migrations, the CSV template and the OpenAPI document.
package schemas

import "embed"

// Migrations holds the goose migrations, applied in file-name order.
//
//go:embed migrations/*.sql
var Migrations embed.FS
