// Protocol versions by the names node:tls and audit reports use. Suites, groups and signature schemes
// are tagged with the versions they are valid for, so that one table serves TLS 1.2 and TLS 1.3.
export type TlsVersionName = "TLSv1.2" | "TLSv1.3";
