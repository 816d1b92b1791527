// Test helper: a self-signed certificate and key in files (the one bench:tls gives nginx).

export { writeTestCertificate, type CertFiles } from '../../bench/peers/tls-cert.js';
