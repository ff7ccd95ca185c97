namespace LvsLab.PacketIo;

/// <summary>A packet socket could not be opened or set up; the message names the interface, the call and the errno.</summary>
public sealed class PacketSocketException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PacketSocketException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public PacketSocketException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="inner">The cause.</param>
    public PacketSocketException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
