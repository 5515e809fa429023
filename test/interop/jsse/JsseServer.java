// A TLS 1.3 server on Java's own stack (JSSE), run as a real interop peer by test/interop/jsse.test.ts.
// Usage: java JsseServer.java <pkcs12> <password> <namedGroups> <keyLimitBytes|0> <echo|sink>
// Prints "PORT <n>" once listening on 127.0.0.1, then serves one connection until the client closes:
// "echo" sends every byte back; "sink" sends nothing while it reads, then "RECEIVED <n> <sha256>". JSSE is the reference for two habits other stacks lack: a CCS after
// a HelloRetryRequest *and* after the ServerHello, and, past its key limit, a KeyUpdate request after
// every record it reads until the peer's KeyUpdate arrives.
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Security;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

public class JsseServer {
  public static void main(String[] args) throws Exception {
    String keyLimit = args[3];
    if (!keyLimit.equals("0")) {
      // A security property, read when the TLS classes load: set it before anything touches them.
      Security.setProperty("jdk.tls.keyLimits", "AES/GCM/NoPadding KeyUpdate " + keyLimit);
    }
    System.setProperty("jdk.tls.namedGroups", args[2]);
    char[] password = args[1].toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[0])) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    // The protocol to serve: TLSv1.3 unless a sixth argument names another (TLSv1.2).
    String protocol = args.length > 5 ? args[5] : "TLSv1.3";
    SSLContext ctx = SSLContext.getInstance(protocol);
    ctx.init(kmf.getKeyManagers(), null, null);
    try (SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      server.setEnabledProtocols(new String[] {protocol});
      System.out.println("PORT " + server.getLocalPort());
      System.out.flush();
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        socket.setSoTimeout(20000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        boolean echo = args[4].equals("echo");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[16384];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          if (echo) out.write(buffer, 0, n);
          sha.update(buffer, 0, n);
          total += n;
        }
        if (!echo) {
          StringBuilder hex = new StringBuilder();
          for (byte b : sha.digest()) hex.append(String.format("%02x", b));
          out.write(("RECEIVED " + total + " " + hex + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        System.out.println("ECHOED " + total + " " + socket.getSession().getCipherSuite());
      }
    }
  }
}
