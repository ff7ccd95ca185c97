using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;

namespace LvsLab.Lab.Docker;

/// <summary>
/// The connection to the Docker engine. It asks the engine which API version it speaks and
/// uses at most that: Debian's Docker 20.10 answers only up to API 1.41 while Testcontainers
/// asks for 1.44. It also turns off Testcontainers' Ryuk reaper (its image cannot be pulled
/// offline): LvsLab sweeps by label instead. Both settings must be in place before the first
/// Testcontainers type is touched, so every runtime entry point calls <see cref="Connect"/> first.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    private static readonly Version NewestWanted = new(1, 44);
    private static readonly Lock Gate = new();
    private static DockerEngine? shared;

    private DockerEngine(Uri endpoint, Version apiVersion)
    {
        Endpoint = endpoint;
        ApiVersion = apiVersion;
        Client = new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(apiVersion).Build();
    }

    /// <summary>The engine's endpoint (a unix socket).</summary>
    public Uri Endpoint { get; }

    /// <summary>The API version in use.</summary>
    public Version ApiVersion { get; }

    /// <summary>A Docker.DotNet client at that version.</summary>
    public DockerClient Client { get; }

    /// <summary>Connects once per process (negotiating the API version) and returns the connection.</summary>
    /// <returns>The engine.</returns>
    public static DockerEngine Connect()
    {
        lock (Gate)
        {
            if (shared is not null)
            {
                return shared;
            }

            var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
            var endpoint = new Uri(string.IsNullOrEmpty(host) ? "unix:///var/run/docker.sock" : host);
            if (endpoint.Scheme != "unix")
            {
                throw new NotSupportedException($"DOCKER_HOST '{host}': only a unix socket is supported (the lab needs the engine's host for taps)");
            }

            var engineVersion = PingApiVersion(endpoint.LocalPath);
            var chosen = engineVersion < NewestWanted ? engineVersion : NewestWanted;
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", chosen.ToString(2));
            Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
            shared = new DockerEngine(endpoint, chosen);
            return shared;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Client.Dispose();

    private static Version PingApiVersion(string socketPath)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var request = "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"u8.ToArray();
            stream.Write(request);
            using var reader = new StreamReader(stream);
            var response = reader.ReadToEnd();
            foreach (var line in response.Split("\r\n"))
            {
                if (line.StartsWith("Api-Version:", StringComparison.OrdinalIgnoreCase))
                {
                    return Version.Parse(line["Api-Version:".Length..].Trim());
                }
            }

            throw new InvalidOperationException($"the Docker engine at {socketPath} did not report its API version");
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException(
                $"cannot reach the Docker engine at {socketPath} ({e.Message}); start it (as root: dockerd &) or run .ci/setup-host",
                e);
        }
    }

    /// <summary>Formats a version for messages.</summary>
    /// <returns>The endpoint and API version.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Endpoint} (API {ApiVersion})");
}
