// Named, versioned compliance policies in the style of s2n-tls: a dated id whose meaning (which
// items it allows and refuses) never changes, plus a moving alias. Every allowed or refused item
// carries its rule and reference. The rule text of an old id may be corrected (a wrong citation is
// not a meaning); a changed decision is a new dated id, and the alias moves to it.
//
// References cite the requirement itself. Where fipstls refuses what the text allows, the rule says
// "stricter than <reference>: <reason>" rather than citing the text as if it forbade the item.
//
// One file per family: fips-policies.ts, cnsa-policies.ts, default-policies.ts.
export { FIPS_140_3, FIPS_140_3_20261130, FIPS_140_3_20261127 } from "./fips-policies.js";
export { CNSA, CNSA_20261127 } from "./cnsa-policies.js";
export { DEFAULT, DEFAULT_20261130_PQ, DEFAULT_20261130, DEFAULT_20261127 } from "./default-policies.js";
