using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Herald.Server.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Herald.Server.Hosting;

/// <summary>Kestrel listeners from Gotify's settings: address or <c>unix:</c> socket, port, TLS, TCP keep-alive, body limit.</summary>
internal static class ListenerSetup
{
    /// <summary>UTF-8 that replaces invalid bytes with U+FFFD instead of throwing.</summary>
    private static readonly System.Text.Encoding HeaderEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static void Configure(WebApplicationBuilder builder, HeraldSettings settings)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.Server.MaxBodyBytes;

            // Go's net/http reads up to 1 MiB of request line and headers (DefaultMaxHeaderBytes); Kestrel's defaults
            // (8 KiB line, 32 KiB headers) would refuse, without a Gotify error body, long URLs and big cookie jars that Gotify serves.
            kestrel.Limits.MaxRequestLineSize = 1 << 20;
            kestrel.Limits.MaxRequestHeadersTotalSize = 1 << 20;

            // Go passes header bytes through (obs-text is valid in a field value); Kestrel's strict UTF-8 decoding
            // refuses a value that is not UTF-8 with an empty 400 before any middleware runs. Decoding with U+FFFD for
            // invalid bytes lets such a request reach the pipeline and get Gotify's answer, e.g. 401 in Gotify's format
            // for an X-Gotify-Key that holds them. (A custom encoding also passes NUL, which Kestrel's default refuses
            // and Go refuses with a plain-text 400; no route reads a NUL-bearing value other than as an unknown string.)
            kestrel.RequestHeaderEncodingSelector = _ => HeaderEncoding;
            Listen(kestrel, settings.Server.ListenAddr, settings.Server.Port, (X509Certificate2?)null);
            if (settings.Server.Ssl.UsesLetsEncrypt)
            {
                var acme = kestrel.ApplicationServices.GetRequiredService<Tls.AcmeCertificateManager>();
                Listen(kestrel, settings.Server.Ssl.ListenAddr, settings.Server.Ssl.Port, options =>
                {
                    options.Protocols = HttpProtocols.Http1AndHttp2;
                    options.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = acme.SelectAsync,

                        // The first handshake for a host waits for the whole ACME order; Kestrel's 10 s default is too short for a real CA.
                        HandshakeTimeout = TimeSpan.FromMinutes(2),
                    });
                });
            }
            else if (settings.Server.Ssl.Enabled)
            {
                X509Certificate2 certificate;
                try
                {
                    certificate = X509Certificate2.CreateFromPemFile(settings.Server.Ssl.CertFile, settings.Server.Ssl.CertKey);
                }
                catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
                {
                    throw new ConfigurationException($"GOTIFY_SERVER_SSL_CERTFILE: cannot load certificate \"{settings.Server.Ssl.CertFile}\" with key \"{settings.Server.Ssl.CertKey}\": {e.Message}", e);
                }

                Listen(kestrel, settings.Server.Ssl.ListenAddr, settings.Server.Ssl.Port, certificate);
            }
        });

        var keepAlive = settings.Server.KeepAlivePeriodSeconds;
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                if (endpoint is IPEndPoint && keepAlive >= 0)
                {
                    // Accepted connections inherit these; 0 means Go's default of 15 s.
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                    var seconds = keepAlive == 0 ? 15 : keepAlive;
                    socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
                    socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
                }

                return socket;
            };
        });
    }

    private static void Listen(KestrelServerOptions kestrel, string address, int port, X509Certificate2? certificate) =>
        Listen(kestrel, address, port, options =>
        {
            // HTTP/2 needs TLS negotiation; plain listeners speak HTTP/1.1 (which websockets use anyway).
            options.Protocols = certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
            if (certificate is not null)
            {
                options.UseHttps(certificate);
            }
        });

    private static void Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        if (address.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = address[5..];
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            kestrel.ListenUnixSocket(path, configure);
        }
        else if (address.Length == 0)
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else if (IPAddress.TryParse(address.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, port, configure);
        }
        else if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else
        {
            var resolved = Dns.GetHostAddresses(address);
            if (resolved.Length == 0)
            {
                throw new ConfigurationException($"GOTIFY_SERVER_LISTENADDR: cannot resolve \"{address}\"");
            }

            kestrel.Listen(resolved[0], port, configure);
        }
    }
}
