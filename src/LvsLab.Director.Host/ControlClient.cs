using System.Net.Sockets;
using System.Text;

namespace LvsLab.Director.Host;

/// <summary>Sends one command to a running director's control socket and prints the answer.</summary>
internal static class ControlClient
{
    public static async Task<int> RunAsync(string path, string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"lvs-director: no director listens on {path}: {e.Message}");
            return 1;
        }

        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Console.Write(answer.ToString());
        return answer.ToString().StartsWith("error:", StringComparison.Ordinal) ? 1 : 0;
    }
}
