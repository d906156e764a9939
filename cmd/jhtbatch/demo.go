package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	"jhtbatch/batch"
	"jhtbatch/postgres"
)

const demoAbout = `Prepares a demo: registers the company DEMO0001 "PT Demo Sejahtera" (or, when it
exists, gives it a new API key), imports a registry of 32 participants (30 of
DEMO0001, 2 of OTHR0001) and writes demo-batch.csv, a file with mostly valid
rows and one row for each kind of error. Then it prints the API key and what
to do next. Running it again is safe: every run makes up new participants,
so its file is never a duplicate of an earlier one.`

func runDemo(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "demo", "[--out FILE]", demoAbout)
	out := fs.String("out", demoBatchFile, "where to write the demo batch `file`")
	cf := bindConfig(fs, e.getenv, []string{"DATABASE_URL", "HTTP_ADDR", "BUSINESS_TZ", "LOG_LEVEL", "LOG_FORMAT"})
	cfg, err := cf.parse(args)
	if err != nil {
		return err
	}
	store, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	return demo(ctx, e, store, cfg, *out)
}

// templateParticipant is the registry entry of the example row of
// schemas/template.csv.
const templateParticipant = "kpj,nik,full_name,birth_date,npp,jht_balance,membership_start\n" +
	"23012345678,3171011708850001,Budi Santoso,1985-08-17," + demoNPP + ",25000000,2010-01-01\n"

// demo does the work of the demo command once the store is open.
func demo(ctx context.Context, e env, store *postgres.Store, cfg Config, out string) error {
	company, key, created, err := demoCompany(ctx, store)
	if err != nil {
		return err
	}
	password, err := demoUser(ctx, store)
	if err != nil {
		return err
	}
	today := businessToday(e.now(), cfg.Location)
	ids := demoIdentities(today, rand.New(rand.NewPCG(uint64(e.now().UnixNano()), 0x6a6874)))
	res, err := store.ImportParticipants(ctx, bytes.NewReader(demoRegistry(ids)))
	if err != nil {
		return fmt.Errorf("demo: import participants: %w", err)
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("demo: the registry refused %d participants: %s", len(res.Rejected), res.Rejected[0].Message(batch.LangEN))
	}
	// The example row of GET /v1/template.csv is a participant of the demo
	// company too, so that the template uploads as a valid row.
	if _, err := store.ImportParticipants(ctx, strings.NewReader(templateParticipant)); err != nil {
		return fmt.Errorf("demo: import the template's participant: %w", err)
	}
	if err := os.WriteFile(out, demoBatch(ids, today), 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	verb := "reused (a new API key was made)"
	if created {
		verb = "created"
	}
	fmt.Fprintf(e.stdout, "Demo company %s %s: %s, id %d.\n", company.NPP, company.Name, verb, company.ID)
	fmt.Fprintf(e.stdout, "Registry: %d participants imported (%d new, %d updated): %d of %s, 2 of %s, one with a zero balance.\n",
		len(ids), res.Inserted, res.Updated, len(ids)-2, demoNPP, demoOtherNPP)
	valid, warned, rejected := demoCounts()
	fmt.Fprintf(e.stdout, "Demo batch file: %s, %d rows: %d valid (%d of them with a warning), %d rejected, each for a different reason.\n",
		out, len(demoRows), valid, warned, rejected)
	printDemoSteps(e, key, password, out, webURL(cfg.HTTPAddr))
	return nil
}

// demoUserEmail is the demo company's HR user, who signs in on the web page.
const demoUserEmail = "hr@demo.example"

// demoUser gives the demo company its HR user with a new random password,
// creating the user when it does not exist yet, and returns the password:
// like the API key, it is shown once and never stored in clear.
func demoUser(ctx context.Context, store *postgres.Store) (string, error) {
	var b [12]byte
	if _, err := crand.Read(b[:]); err != nil {
		return "", fmt.Errorf("demo: password: %w", err)
	}
	password := base64.RawURLEncoding.EncodeToString(b[:]) // 16 characters
	_, err := store.CreateUser(ctx, demoNPP, demoUserEmail, password)
	if e := batch.ErrorOf(err); e != nil && e.Kind == batch.KindConflict {
		err = store.SetPassword(ctx, demoUserEmail, password)
	}
	if err != nil {
		return "", fmt.Errorf("demo: HR user %s: %w", demoUserEmail, err)
	}
	return password, nil
}

// demoCompany returns the demo company and a new API key for it, creating
// the company when it does not exist yet.
func demoCompany(ctx context.Context, store *postgres.Store) (batch.Company, string, bool, error) {
	c, err := store.CompanyByNPP(ctx, demoNPP)
	if e := batch.ErrorOf(err); e != nil && e.Kind == batch.KindNotFound {
		c, key, err := store.CreateCompany(ctx, demoNPP, demoName)
		if err != nil {
			return c, "", false, fmt.Errorf("demo: create company %s: %w", demoNPP, err)
		}
		return c, key, true, nil
	}
	if err != nil {
		return c, "", false, fmt.Errorf("demo: find company %s: %w", demoNPP, err)
	}
	key, err := store.CreateKey(ctx, c.ID)
	if err != nil {
		return c, "", false, fmt.Errorf("demo: create a key for %s: %w", demoNPP, err)
	}
	return c, key, false, nil
}

// printDemoSteps prints the key, on a line of its own that a shell can run,
// and what to do next. The submit step names the API when the server does
// not listen where submit looks by default, so that it can be run as shown.
func printDemoSteps(e env, key, password, file, web string) {
	submit := e.self + " submit"
	if web != defaultAPI {
		submit = envAPI + "=" + web + " " + submit
	}
	fmt.Fprintf(e.stdout, `
API key of %s (shown once; run the next line in your shell):
export JHTBATCH_KEY=%s

Next steps, with "%s all" running:
  1. Upload the file with curl:
       curl -H "Authorization: Bearer $JHTBATCH_KEY" -F file=@%s %s/v1/batches
  2. Or upload it with the CLI, follow its progress and save the result report:
       %s %s --wait --report demo-report.csv
  3. Or open the web page, sign in as the company's HR user and upload it there:
       %s/
       e-mail %s, password %s (shown once)
`, demoNPP, key, e.self, file, web, submit, file, web, demoUserEmail, password)
}

// webURL is the URL a browser on this machine reaches HTTP_ADDR at.
func webURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// businessToday is the civil date of now in loc, at 00:00 UTC like the
// domain's dates.
func businessToday(now time.Time, loc *time.Location) time.Time { return batch.BusinessDay(now, loc) }

// demoCounts counts the valid rows, those of them with a warning, and the
// rejected rows of the demo file.
func demoCounts() (valid, warned, rejected int) {
	for _, r := range demoRows {
		switch {
		case r.code == "":
			valid++
		case r.code.IsWarning():
			valid++
			warned++
		default:
			rejected++
		}
	}
	return valid, warned, rejected
}
