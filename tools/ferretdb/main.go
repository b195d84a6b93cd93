// Command ferretdb runs FerretDB v1 (MongoDB wire protocol over SQLite) for GriDam's tests and
// local distributed runs. It is a wrapper module that embeds FerretDB as a library: a binary
// built with `go install github.com/FerretDB/FerretDB/cmd/ferretdb` refuses to start without a
// generated version file that the published module lacks (FerretDB issue #2982), while an
// embedding binary skips that check (and has telemetry off). It also gives every collection the
// _id index FerretDB's own updates can use (idindex.go).
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("sqlite-dir", "./ferretdb-data", "folder of the SQLite databases (created if missing)")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go addIDIndexes(ctx, *dir)
	server.Run(ctx)
}
