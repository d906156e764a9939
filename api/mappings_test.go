package api_test

import (
	"net/http"
	"strings"
	"testing"
)

type mappingList struct {
	Mappings []struct {
		Headers []string           `json:"headers"`
		Mapping map[string]*string `json:"mapping"`
	} `json:"mappings"`
}

// A company's mapping is remembered per header set: saving it again for
// the same headers (in another order or spelling) replaces it, and another
// company never sees it.
func TestMappings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	put := func(key, body string) response {
		return e.do(http.MethodPut, "/v1/mappings", key, strings.NewReader(body),
			http.Header{"Content-Type": {"application/json"}})
	}
	if got := decode[mappingList](t, e.get("/v1/mappings", e.keyA)); len(got.Mappings) != 0 {
		t.Fatalf("mappings before any: %+v, want none", got)
	}
	res := put(e.keyA, `{"headers":["No KPJ","Nama Pegawai Lengkap","Catatan"],"mapping":{"Nama Pegawai Lengkap":"full_name","Catatan":null}}`)
	if res.status != http.StatusOK {
		t.Fatalf("PUT: status %d; body %s", res.status, res.body)
	}
	res = put(e.keyA, `{"headers":["catatan","NAMA PEGAWAI LENGKAP","No. KPJ"],"mapping":{"NAMA PEGAWAI LENGKAP":"full_name","catatan":"email"}}`)
	if res.status != http.StatusOK {
		t.Fatalf("PUT again: status %d; body %s", res.status, res.body)
	}
	got := decode[mappingList](t, e.get("/v1/mappings", e.keyA))
	if len(got.Mappings) != 1 {
		t.Fatalf("mappings: %+v, want the one for this header set", got)
	}
	if m := got.Mappings[0].Mapping; m["catatan"] == nil || *m["catatan"] != "email" || got.Mappings[0].Headers[0] != "catatan" {
		t.Errorf("mapping %+v, want the one saved last", got.Mappings[0])
	}
	if other := decode[mappingList](t, e.get("/v1/mappings", e.keyB)); len(other.Mappings) != 0 {
		t.Errorf("another company sees %+v, want none", other)
	}

	for name, body := range map[string]string{
		"not JSON":          `{`,
		"unknown field":     `{"headers":["a"],"mapping":{},"x":1}`,
		"no headers":        `{"headers":[],"mapping":{}}`,
		"header not in set": `{"headers":["a"],"mapping":{"b":"kpj"}}`,
		"unknown target":    `{"headers":["a"],"mapping":{"a":"salary"}}`,
		"two objects":       `{"headers":["a"],"mapping":{}} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, put(e.keyA, body), http.StatusBadRequest, "INVALID_PARAMETER")
		})
	}
	wantError(t, put("", `{"headers":["a"],"mapping":{}}`), http.StatusUnauthorized, "UNAUTHORIZED")
}
