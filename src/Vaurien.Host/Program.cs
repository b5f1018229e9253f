// Entry point; the command-line front end is being written in Cli/.
return 0;
