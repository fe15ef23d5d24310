using System.Security.Cryptography;
using System.Text;

namespace Commerce.Payment;

/// <summary>
/// Encrypts gateway tokens at rest with AES-256-GCM. Layout: key version (1 byte) | nonce (12) | tag (16) |
/// ciphertext. The key comes from configuration (<c>Payment:TokenEncryptionKey</c>, base64 of 32 bytes).
/// </summary>
public sealed class TokenProtector
{
    private const byte KeyVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] key;

    public TokenProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The token encryption key must be 32 bytes (AES-256).", nameof(key));
        }

        this.key = key;
    }

    public byte[] Protect(string token)
    {
        var plaintext = Encoding.UTF8.GetBytes(token);
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = KeyVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize));
        return output;
    }

    public string Unprotect(byte[] protectedToken)
    {
        if (protectedToken.Length < 1 + NonceSize + TagSize || protectedToken[0] != KeyVersion)
        {
            throw new CryptographicException("Unknown token format or key version.");
        }

        var plaintext = new byte[protectedToken.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(
            protectedToken.AsSpan(1, NonceSize),
            protectedToken.AsSpan(1 + NonceSize + TagSize),
            protectedToken.AsSpan(1 + NonceSize, TagSize),
            plaintext);
        return Encoding.UTF8.GetString(plaintext);
    }
}
