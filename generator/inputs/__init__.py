"""Reading the inputs: the input data package and the content files."""
