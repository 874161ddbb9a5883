"""Exports of the programme's records: an Excel workbook (or CSV files) with one sheet per table.

`sheets` builds each table from the database, `workbook` writes them to .xlsx and owes a coordinator
the file, `command` is `cohortbot export` on the command line.
"""
