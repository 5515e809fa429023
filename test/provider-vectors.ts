// Published known-answer vectors for the provider conformance suite, transcribed by hand from the
// documents cited beside each one (and each checked to fail when a bit is flipped, in the suite).
import { fromHex, utf8 } from "../src/codec/bytes.js";

const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** SHA-2 of "abc": the one-block examples of FIPS 180-2 (Appendix B.1, C.1, D.1). */
export const SHA_ABC = {
  "SHA-256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  "SHA-384": "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
  "SHA-512":
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
} as const;

/** RFC 4231 section 4.2, Test Case 1: key = 0x0b * 20, data = "Hi There". */
export const HMAC_RFC4231_TC1 = {
  key: new Uint8Array(20).fill(0x0b),
  data: utf8("Hi There"),
  "SHA-256": "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  "SHA-384": "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
  "SHA-512":
    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
} as const;

/** RFC 5869 Appendix A.1-A.3 (HKDF with SHA-256). */
export const HKDF_RFC5869 = [
  {
    name: "A.1 basic",
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    prk: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
    okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  },
  {
    name: "A.2 longer inputs and outputs",
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
    okm:
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c" +
      "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71" +
      "cc30c58179ec3e87c14c01d5c1f3434f1d87",
  },
  {
    name: "A.3 zero-length salt and info",
    ikm: new Uint8Array(22).fill(0x0b),
    salt: new Uint8Array(0),
    info: new Uint8Array(0),
    length: 42,
    prk: "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  },
] as const;

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", revised submission to NIST
// (2005), Appendix B; the same values appear in NIST CAVP's gcmEncryptExtIV128/256 files.
const GCM_P =
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const GCM_A = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
export const GCM_VECTORS = [
  {
    name: "Test Case 4 (AES-128, AAD)",
    algorithm: "AES-128-GCM",
    key: "feffe9928665731c6d6a8f9467308308",
    iv: "cafebabefacedbaddecaf888",
    plaintext: GCM_P,
    aad: GCM_A,
    ciphertext:
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" +
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
    tag: "5bc94fbc3221a5db94fae95ae7121a47",
  },
  {
    name: "Test Case 16 (AES-256, AAD)",
    algorithm: "AES-256-GCM",
    key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
    iv: "cafebabefacedbaddecaf888",
    plaintext: GCM_P,
    aad: GCM_A,
    ciphertext:
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" +
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
    tag: "76fc6ece0f4e1768cddf8853bb2d551b",
  },
] as const;

/** RFC 8439 section 2.8.2, AEAD_CHACHA20_POLY1305 example. */
export const CHACHA_RFC8439 = {
  key: range(0x80, 0x9f),
  nonce: fromHex("07000000 4041424344454647"),
  aad: fromHex("50515253c0c1c2c3c4c5c6c7"),
  plaintext: utf8(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ),
  ciphertext: fromHex(`
    d31a8d34648e60db7b86afbc53ef7ec2 a4aded51296e08fea9e2b5a736ee62d6
    3dbea45e8ca9671282fafb69da92728b 1a71de0a9e060b2905d6a5b67ecd3b36
    92ddbd7f2d778b8c9803aee328091b58 fab324e4fad675945585808b4831d7bc
    3ff4def08e4b7a9de576d26586cec64b 6116`),
  tag: fromHex("1ae10b594f09e26a7e902ecbd0600691"),
};

/** RFC 7748 section 6.1, X25519 Diffie-Hellman example. */
export const X25519_RFC7748 = {
  alicePrivate: fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
  alicePublic: fromHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
  bobPrivate: fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
  bobPublic: fromHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
  shared: fromHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"),
};

/** RFC 6979 Appendix A.2.5: ECDSA P-256 key, and SHA-256 signatures of "sample" and "test". */
export const ECDSA_RFC6979_P256 = {
  ux: "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
  uy: "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
  signatures: [
    {
      message: "sample",
      r: "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
      s: "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
    },
    {
      message: "test",
      r: "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
      s: "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
    },
  ],
} as const;

/**
 * NIST CAVP FIPS 186-3 RSASSA-PSS signature generation responses ("# CAVS 10.1", salt length 0),
 * file SigGenPSS_186-3.rsp, [mod = 2048], first SHAAlg = SHA256 entry; as redistributed in
 * pyca/cryptography's vectors/cryptography_vectors/asymmetric/RSA/FIPS_186-2/.
 */
export const RSA_PSS_CAVP_2048 = {
  n:
    "d58dcfa1b7b8dfb5c3135e9cb4ba80387f9841757fa8585ce00f431aeb7cfdec9e1ecec8cc2efd935a9641124f563a49" +
    "f62d426eafe0fa180b4d9b27957f897391c75ed86341d6ccf56ca79a880c697375809c973cd63ea238f46fec331d3dfa" +
    "0b71e5971d585d14d52da8c5bec9138a6041eb8cbc645a88a9bc6a780d2333ceb6e753707a6b91321665b4b524118bd6" +
    "c5430e0072b15bfa0c70fd2da1edf68e3d7c657381c7247f45497996bff1f28a9f0d70627aa3b638a549958e6c8fae92" +
    "17dbe851ce64ed41fe847dafae743f7c9ca9c597aefa827bbfb06e603bd775223e39e214a17b5f51d54e5196b99d32f9" +
    "27749a2492718a1c57d6e5ae2a178549",
  e: "1001",
  saltLength: 0,
  message:
    "19828d058058243557e29ec3f95b566fb4292c6e7dc0d56ae1c475cb3f6d6f3535307b51589cfad1288287ae4358cfb4" +
    "d8dfa2415f044a4a87041b9e70d44b6f1bc0040e1f52b8f69d75b50c75daf925ba9b47c9641f7a37453d1aa83fa42dd8" +
    "b37a4fc33c4305ac9e054f64f9a97cc943a5428df4d80e3903b5997112a4bc79",
  signature:
    "38ae4ec36ae6a2df3470364e5bb46778f3bada7bbbd7368c295f871cab3c0c0f474d2c4a4f4f3371fb11c0d98abea04e" +
    "b699693898dce2a63b58334b8b5c708b4d00739fbce8e8a2b4df6d2e7219da5b6cc13d48af729b79d2fde5faaaca6dba" +
    "3d84a352695ed324884076ef34a9d4e8102df1de0d9c65e62bde97457d95ab1df3551e030f94c53b4a8e1a8c22b3e7bb" +
    "49453670f26dee950361ad40481a01ba34d1cd8f36afe249b2c41d3be7514a2fde9ad918c18392031023399b3d434539" +
    "64b660a44d03c93cfb1375b45f853ce90b501672f04a2e84a7fe09c9b97e55f23a05e39419625dcf465325983947c0ae" +
    "1e4455a602bcbd65fa87a52079ace7af",
} as const;

/** RFC 7914 section 11: PBKDF2-HMAC-SHA256 test vectors (the two the RFC lists). */
export const PBKDF2_SHA256_RFC7914 = [
  {
    password: utf8("passwd"),
    salt: utf8("salt"),
    iterations: 1,
    dk: "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
  },
  {
    password: utf8("Password"),
    salt: utf8("NaCl"),
    iterations: 80000,
    dk: "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
  },
] as const;

/** NIST SP 800-38A Appendix F.2.2 (CBC-AES128.Decrypt) and F.2.6 (CBC-AES256.Decrypt): same IV and plaintext. */
export const AES_CBC_SP800_38A = {
  iv: fromHex("000102030405060708090a0b0c0d0e0f"),
  plaintext: "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
  cases: [
    {
      name: "F.2.2 AES-128",
      key: fromHex("2b7e151628aed2a6abf7158809cf4f3c"),
      ciphertext: fromHex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"),
    },
    {
      name: "F.2.6 AES-256",
      key: fromHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
      ciphertext: fromHex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"),
    },
  ],
} as const;
