"""レポート: the reports for the mayor and the council, previewed and saved as PDF or xlsx."""
