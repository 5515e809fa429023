// The fipstls version reports name, so a report says which scanner produced it. A test keeps it
// equal to package.json's (compliance/ stays runtime-agnostic, so it cannot read the file).
export const FIPSTLS_VERSION = "0.1.0";
