package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// FerretDB v1's SQLite backend indexes a collection's _id on the expression
// `_ferretdb_sjson->"_id"`, but its UPDATE and DELETE statements filter on
// `_ferretdb_sjson->'$._id'`, which that index cannot serve: every update or delete by _id
// scans the whole table (about 70 ms at 20,000 documents, growing with the collection).
// addIDIndexes adds, to every collection table, a unique index on the expression the
// statements use, once a second, until ctx ends. SQLite maintains it like any other index;
// FerretDB never sees it (it is not in FerretDB's metadata) and drops it with the table.
func addIDIndexes(ctx context.Context, dir string) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db, ok := dbs[file]
			if !ok {
				var err error
				db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
				if err != nil {
					log.Printf("id index: %s: %v", file, err)
					continue
				}
				dbs[file] = db
			}
			if err := indexTables(ctx, db); err != nil {
				log.Printf("id index: %s: %v", file, err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func indexTables(ctx context.Context, db *sql.DB) error {
	var registry int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = '_ferretdb_collections'`).Scan(&registry)
	if err != nil || registry == 0 {
		return err // a database FerretDB has not set up yet: nothing to index
	}
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE UNIQUE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_gridam_id", table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
