package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"jhtbatch/batch"
	"jhtbatch/credential"
	"jhtbatch/postgres"
)

// openStore connects to the configured database, applying migrations first
// so that an operator command works on a fresh database.
func openStore(ctx context.Context, cfg Config) (*postgres.Store, func(), error) {
	if err := postgres.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return nil, nil, err
	}
	pool, err := postgres.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return postgres.NewStore(pool), pool.Close, nil
}

// adminCommand parses the flags of an operator command, checks it got n
// positional arguments and passes check (when not nil), and opens the
// store: a mistake in the arguments is told before any connection is made.
func adminCommand(ctx context.Context, e env, fs *flag.FlagSet, args []string, n int, what string, check func(pos []string) error) ([]string, *postgres.Store, func(), error) {
	cf := bindConfig(fs, e.getenv, databaseSettings)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := wantArgs(fs, pos, n, what); err != nil {
		return nil, nil, nil, err
	}
	if check != nil {
		if err := check(pos); err != nil {
			return nil, nil, nil, err
		}
	}
	cfg, err := cf.load()
	if err != nil {
		return nil, nil, nil, err
	}
	store, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return pos, store, closeStore, nil
}

func runCompanyCreate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "company create", "--npp NPP --name NAME",
		"Registers a company and prints its first API key, alone on the last line.\nThe key is shown only this once; keep it safe.")
	npp := fs.String("npp", "", "the company's registration number (NPP), 8 letters or digits")
	name := fs.String("name", "", "the company's name")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", func([]string) error { return checkCompany(*npp, *name) })
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	c, key, err := store.CreateCompany(ctx, batch.NormalNPP(*npp), strings.TrimSpace(*name))
	if err != nil {
		return fmt.Errorf("create company %s: %w", *npp, err)
	}
	fmt.Fprintf(e.stdout, "Company created: id %d, NPP %s, name %s\n", c.ID, c.NPP, c.Name)
	printKey(e, key)
	return nil
}

// checkCompany checks the NPP and name of a new company (docs/rules.md: an NPP
// is 8 letters and digits).
func checkCompany(npp, name string) error {
	npp = strings.TrimSpace(npp)
	if !batch.ValidNPP(batch.NormalNPP(npp)) {
		return fmt.Errorf("company create: -npp %q: want 8 letters or digits", npp)
	}
	if strings.TrimSpace(name) == "" {
		return errors.New("company create: -name is required")
	}
	return nil
}

// printKey prints a new API key with the warning that it is shown once; the
// key is alone on the last line so that scripts can take it with tail -n1.
func printKey(e env, key string) {
	fmt.Fprintf(e.stdout, "Key id (public; to revoke: jhtbatch key revoke %s)\n", credential.ID(key))
	fmt.Fprintln(e.stdout, "API key (shown once):")
	fmt.Fprintln(e.stdout, key)
}

func runKeyCreate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "key create", "--npp NPP",
		"Gives a company a new API key and prints it, alone on the last line.\nEarlier keys keep working until revoked.")
	npp := fs.String("npp", "", "the company's registration number (NPP)")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", func([]string) error {
		if strings.TrimSpace(*npp) == "" {
			return errors.New("key create: -npp is required")
		}
		return nil
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	c, err := store.CompanyByNPP(ctx, batch.NormalNPP(*npp))
	if err != nil {
		return fmt.Errorf("find company %s: %w", *npp, err)
	}
	key, err := store.CreateKey(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("create key for company %s: %w", c.NPP, err)
	}
	fmt.Fprintf(e.stdout, "New API key for company %s (%s).\n", c.NPP, c.Name)
	printKey(e, key)
	return nil
}

func runCompanyWebhook(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "company webhook", "--npp NPP --url URL",
		"Sets the URL that hears, by a signed POST, when each of the company's batches finishes,\n"+
			"and prints the new signing secret alone on the last line. --url \"\" turns it off.")
	npp := fs.String("npp", "", "the company's registration number (NPP)")
	rawURL := fs.String("url", "", "the webhook URL (http or https); empty turns announcements off")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", func([]string) error {
		if strings.TrimSpace(*npp) == "" {
			return errors.New("company webhook: -npp is required")
		}
		return nil
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	secret, err := store.SetWebhook(ctx, strings.TrimSpace(*npp), strings.TrimSpace(*rawURL))
	if err != nil {
		return fmt.Errorf("set the webhook of company %s: %w", *npp, err)
	}
	if secret == "" {
		fmt.Fprintf(e.stdout, "Company %s: batches are no longer announced.\n", strings.ToUpper(*npp))
		return nil
	}
	fmt.Fprintf(e.stdout, "Company %s: finished batches are announced to %s.\n"+
		"Each POST carries Jhtbatch-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with this secret>.\n"+
		"Signing secret (shown once):\n%s\n", strings.ToUpper(*npp), *rawURL, secret)
	return nil
}

func runKeyRevoke(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "key revoke", "KEY_ID",
		"Revokes an API key. KEY_ID is the key's public id: its first characters, as\nshown in the key itself before the secret part.")
	pos, store, closeStore, err := adminCommand(ctx, e, fs, args, 1, "KEY_ID", nil)
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	if err := store.RevokeKey(ctx, pos[0]); err != nil {
		return fmt.Errorf("revoke key %s: %w", pos[0], err)
	}
	fmt.Fprintf(e.stdout, "Key %s revoked.\n", pos[0])
	return nil
}

func runParticipantsImport(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "participants import", "FILE",
		"Loads or refreshes the participant registry from a CSV file with the header\n"+
			"kpj,nik,full_name,birth_date,npp,jht_balance,membership_start.\n"+
			"Existing participants (by KPJ) are updated. Rejected lines are listed.")
	pos, store, closeStore, err := adminCommand(ctx, e, fs, args, 1, "FILE", func(pos []string) error {
		_, err := os.Stat(pos[0]) // a missing file is told before connecting
		return err
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	res, err := importParticipantsFile(ctx, store, pos[0])
	if err != nil {
		return err
	}
	printImport(e, res)
	return nil
}

// importParticipantsFile imports the registry file at path.
func importParticipantsFile(ctx context.Context, store *postgres.Store, path string) (postgres.ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return postgres.ImportResult{}, fmt.Errorf("participants import: %w", err)
	}
	defer f.Close()
	res, err := store.ImportParticipants(ctx, f)
	if err != nil {
		return res, fmt.Errorf("participants import %s: %w", path, err)
	}
	return res, nil
}

// printImport prints the counts of an import and why each refused line was
// refused.
func printImport(e env, res postgres.ImportResult) {
	fmt.Fprintf(e.stdout, "Participants: %d inserted, %d updated, %d rejected.\n",
		res.Inserted, res.Updated, len(res.Rejected))
	for _, d := range res.Rejected {
		// The message names the line and column itself.
		fmt.Fprintf(e.stdout, "  %s\n", d.Message(batch.LangEN))
	}
}
