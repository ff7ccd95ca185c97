using System.Net.Sockets;
using System.Text;

namespace LvsLab.Benchmarks.Stall;

/// <summary>lvs-director's control socket: one command per connection, the answer until it closes.</summary>
internal static class ControlSocket
{
    /// <summary>Sends <paramref name="command"/> and reads the whole answer.</summary>
    public static string Ask(string path, string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(Encoding.UTF8.GetBytes(command));
        socket.Shutdown(SocketShutdown.Send);
        using var answer = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
    }

    /// <summary>Sends <paramref name="command"/> and counts the answer's lines as they come (a long listing is never held whole).</summary>
    public static int CountLines(string path, string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(Encoding.UTF8.GetBytes(command));
        socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[1 << 16];
        int lines = 0;
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }
}
