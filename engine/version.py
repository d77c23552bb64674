"""The tool's name and version, as reported in every output."""
TOOL = "valuate"
VERSION = "0.1.0"
