// Go's crypto/tls as an interop peer for test/interop/go.test.ts (standard library only).
//
//	peer server -cert C -key K [-min 1.2|1.3] [-max 1.2|1.3] [-alpn a,b] [-prefix pong:]
//	    Listens on 127.0.0.1:0 and prints "LISTEN <port>". Per connection it prints
//	    "CONN version=... suite=... resumed=... alpn=..." after the handshake (or "ERR <error>"),
//	    then echoes every line back as "<prefix><line>" until the peer closes.
//	peer client -connect H:P -ca CA -servername N [-min] [-max] [-alpn a,b] [-curves P-256,X25519] [-n 3] [-line ping] [-prefix pong:]
//	    Makes n sequential connections sharing one LRU session cache (so the second and later may
//	    resume). Each sends "<line> <i>\n", expects "<prefix><line> <i>\n", prints a CONN line and
//	    closes. Exits 0 when all succeed; otherwise prints "ERROR ..." on stderr and exits 1.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

const stepTimeout = 10 * time.Second

func versionNumber(s string) uint16 {
	switch s {
	case "1.2":
		return tls.VersionTLS12
	case "1.3":
		return tls.VersionTLS13
	}
	fail("unknown TLS version %q (want 1.2 or 1.3)", s)
	return 0
}

// Go 1.19 has no tls.VersionName (added in 1.21).
func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

func describe(cs tls.ConnectionState) string {
	alpn := cs.NegotiatedProtocol
	if alpn == "" {
		alpn = "-"
	}
	return fmt.Sprintf("CONN version=%s suite=%s resumed=%t alpn=%s", versionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite), cs.DidResume, alpn)
}

func protocols(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func curves(s string) []tls.CurveID {
	if s == "" {
		return nil // Go's default: X25519 first, and its only TLS 1.3 key share.
	}
	ids := map[string]tls.CurveID{"X25519": tls.X25519, "P-256": tls.CurveP256, "P-384": tls.CurveP384, "P-521": tls.CurveP521}
	var out []tls.CurveID
	for _, name := range strings.Split(s, ",") {
		id, ok := ids[name]
		if !ok {
			fail("unknown curve %q (want X25519, P-256, P-384 or P-521)", name)
		}
		out = append(out, id)
	}
	return out
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "ERROR "+format+"\n", args...)
	os.Exit(1)
}

func server(args []string) {
	fs := flag.NewFlagSet("server", flag.ExitOnError)
	cert := fs.String("cert", "", "certificate chain PEM file")
	key := fs.String("key", "", "private key PEM file")
	minV := fs.String("min", "1.2", "minimum TLS version")
	maxV := fs.String("max", "1.3", "maximum TLS version")
	alpn := fs.String("alpn", "", "comma-separated ALPN protocols")
	prefix := fs.String("prefix", "pong:", "prefix of each echoed line")
	fs.Parse(args)

	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		fail("loading the key pair: %v", err)
	}
	config := &tls.Config{
		Certificates: []tls.Certificate{pair},
		MinVersion:   versionNumber(*minV),
		MaxVersion:   versionNumber(*maxV),
		NextProtos:   protocols(*alpn),
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", config)
	if err != nil {
		fail("listen: %v", err)
	}
	fmt.Printf("LISTEN %d\n", ln.Addr().(*net.TCPAddr).Port)
	for {
		c, err := ln.Accept()
		if err != nil {
			fail("accept: %v", err)
		}
		go serve(c.(*tls.Conn), *prefix)
	}
}

func serve(conn *tls.Conn, prefix string) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(6 * stepTimeout))
	if err := conn.Handshake(); err != nil {
		fmt.Printf("ERR %v\n", err)
		return
	}
	fmt.Println(describe(conn.ConnectionState()))
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return // The peer closed (close_notify or not), or the deadline passed.
		}
		if _, err := conn.Write([]byte(prefix + line)); err != nil {
			return
		}
	}
}

func client(args []string) {
	fs := flag.NewFlagSet("client", flag.ExitOnError)
	addr := fs.String("connect", "", "host:port")
	caFile := fs.String("ca", "", "trust anchors PEM file")
	name := fs.String("servername", "localhost", "server name (SNI and verification)")
	minV := fs.String("min", "1.2", "minimum TLS version")
	maxV := fs.String("max", "1.3", "maximum TLS version")
	alpn := fs.String("alpn", "", "comma-separated ALPN protocols")
	curveList := fs.String("curves", "", "comma-separated curve preferences (the first gets the key share)")
	n := fs.Int("n", 3, "sequential connections")
	text := fs.String("line", "ping", "line to send")
	prefix := fs.String("prefix", "pong:", "expected prefix of the echoed line")
	fs.Parse(args)

	pem, err := os.ReadFile(*caFile)
	if err != nil {
		fail("reading the CA file: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fail("no certificate in %s", *caFile)
	}
	config := &tls.Config{
		RootCAs:            roots,
		ServerName:         *name,
		MinVersion:         versionNumber(*minV),
		MaxVersion:         versionNumber(*maxV),
		NextProtos:         protocols(*alpn),
		CurvePreferences:   curves(*curveList),
		ClientSessionCache: tls.NewLRUClientSessionCache(16),
	}
	for i := 1; i <= *n; i++ {
		if err := once(config, *addr, fmt.Sprintf("%s %d", *text, i), *prefix); err != nil {
			fail("connection %d: %v", i, err)
		}
	}
}

func once(config *tls.Config, addr, line, prefix string) error {
	dialer := &net.Dialer{Timeout: stepTimeout}
	conn, err := tls.DialWithDialer(dialer, "tcp", addr, config)
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(stepTimeout))
	if _, err := conn.Write([]byte(line + "\n")); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	// Reading the echo also reads any TLS 1.3 NewSessionTicket sent before it.
	got, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the echo (got %q): %w", got, err)
	}
	if want := prefix + line + "\n"; got != want {
		return fmt.Errorf("echo: got %q, want %q", got, want)
	}
	fmt.Println(describe(conn.ConnectionState()))
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: peer server|client [flags]")
	}
	switch os.Args[1] {
	case "server":
		server(os.Args[2:])
	case "client":
		client(os.Args[2:])
	default:
		fail("unknown mode %q (want server or client)", os.Args[1])
	}
}
