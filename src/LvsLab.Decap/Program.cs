using LvsLab.Decap;

DecapArguments arguments;
try
{
    arguments = DecapArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"lvs-decap: {e.Message}");
    Console.Error.WriteLine(DecapArguments.Usage);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(DecapArguments.Usage);
    return 0;
}

return DecapRunner.Run(arguments, Console.Out, Console.Error);
