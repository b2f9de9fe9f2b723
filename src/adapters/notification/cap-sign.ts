/**
 * Optional XML signature of public warnings (CAP 1.2 §3.3.2.1): an enveloped XML-DSig signature,
 * RSA-SHA256 over the exclusive canonical form of the whole alert, with the signer's certificate
 * in KeyInfo, appended as the alert's last child. Key and certificate come from configuration.
 */
import { readFile } from 'node:fs/promises';
import { SignedXml } from 'xml-crypto';

export interface CapSigner {
  sign(xml: string): string;
}

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** A signer from PEM texts: the private key and the X.509 certificate published with it. */
export function createCapSigner(privateKeyPem: string, certificatePem: string): CapSigner {
  return {
    sign(xml) {
      const sig = new SignedXml({
        privateKey: privateKeyPem,
        publicCert: certificatePem,
        signatureAlgorithm: RSA_SHA256,
        canonicalizationAlgorithm: EXC_C14N,
      });
      sig.addReference({
        xpath: '/*',
        digestAlgorithm: SHA256,
        transforms: [ENVELOPED, EXC_C14N],
        isEmptyUri: true,
      });
      sig.computeSignature(xml, { location: { reference: '/*', action: 'append' } });
      return sig.getSignedXml();
    },
  };
}

/** Verifies an enveloped signature with the given certificate (the receivers' side; used by tests). */
export function verifyCapSignature(signedXml: string, certificatePem: string): boolean {
  const start = signedXml.search(/<Signature[\s>]/);
  const end = signedXml.lastIndexOf('</Signature>');
  if (start < 0 || end < start) return false;
  try {
    const sig = new SignedXml({ publicCert: certificatePem });
    sig.loadSignature(signedXml.slice(start, end + '</Signature>'.length));
    return sig.checkSignature(signedXml);
  } catch {
    return false; // xml-crypto throws on a wrong digest or signature value
  }
}

/** The signer from CAP_SIGNING_KEY_FILE / CAP_SIGNING_CERT_FILE; none when they are not set. */
export async function capSignerFromFiles(
  keyFile?: string,
  certFile?: string,
): Promise<CapSigner | undefined> {
  if (!keyFile || !certFile) return undefined;
  const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
  return createCapSigner(key, cert);
}
