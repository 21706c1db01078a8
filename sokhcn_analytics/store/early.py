"""Writing an org's parts while the rest of a full build is still being read.

A build that reads every input (a first build, ``--force``, a new code version) used to
put the store together only after the last slice of workbooks came back: checking the
tasks, resolving the sources and writing some hundred Parquet parts took the better part
of a second at national size, with one core idle. :class:`EarlyParts` does that work org
by org as soon as the slices holding an org's files are in, while the workers read on.

Which files belong to an org is known only once they are read (the org is written inside
each workbook), so the folders stand in for it: a folder's rows are put together once all
its files are in. At the end, an org whose files all sat in that one folder
keeps its early parts; any other org (its files spread over folders) is put together the
usual way, from all its rows, and its early parts are left out of the manifest (the commit
removes parts the manifest does not name). Nothing here is needed for correctness: any
problem (an invalid file, a conflict) stops the early work, and the build then finds and
reports it the usual way.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.store.parts import write_failed, write_parts
from sokhcn_analytics.store.read import stored_name


class EarlyParts:
    """Puts together and writes the orgs of each folder whose files have all been read.

    ``inputs``: the inputs to read (paths relative to the raw folder), in input order;
    ``assemble(sources, tasks)``: the checked frames per org and the result periods per org
    (raises :class:`InputError`), as the build makes them.
    """

    def __init__(self, staging, inputs: list[str], assemble):
        self.staging, self.assemble = staging, assemble
        self.folder_of = {f: _folder(f) for f in inputs}
        self.position = {f: n for n, f in enumerate(inputs)}
        self.left = Counter(self.folder_of.values())  # folder → its files not read yet
        self.batches = defaultdict(list)  # folder → (position, batch) of the slices with its files
        self.done, self.failed = {}, False

    def add(self, files: list[str], batch) -> None:
        """The slice of ``files`` has been read into ``batch``: put together every folder it completes."""
        if self.failed or batch.problems:  # the build will stop with the problems of every file
            self.failed = True
            return
        folders = sorted({self.folder_of[f] for f in files})
        for folder in folders:
            self.batches[folder].append((self.position[files[0]], batch))
        for f in files:
            self.left[self.folder_of[f]] -= 1
        for folder in folders:
            if not self.left[folder] and not self.failed:
                self._assemble(folder)

    def finish(self, files: list) -> dict:
        """``{org: (manifest entry, result periods)}`` of the orgs whose early parts stand.

        ``files``: ``(source_file, rows, org)`` of every file read (``Batch.files``).
        """
        if self.failed:
            return {}
        folders = defaultdict(set)
        for source_file, _, org in files:
            if org:
                folders[org].add(self.folder_of.get(source_file))
        return {org: (entry, periods) for org, (folder, entry, periods) in self.done.items()
                if folders[org] == {folder}}

    def _assemble(self, folder: str) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from sokhcn_analytics.store.arrow_rows import indicator_table, table_frame, task_table

        names = pa.array(sorted(stored_name(f) for f, d in self.folder_of.items() if d == folder), pa.string())
        batches = [batch for _, batch in sorted(self.batches.pop(folder), key=lambda b: b[0])]  # input order
        frames = []
        for kind, empty in (("indicators", indicator_table), ("tasks", task_table)):
            tables = []
            for batch in batches:
                for stream in getattr(batch, kind):
                    table = pa.ipc.open_stream(stream).read_all()
                    tables.append(table.filter(pc.is_in(table["source_file"], value_set=names)))
            frames.append(table_frame(pa.concat_tables(tables) if tables else empty([]), kind))
        try:
            by_org, periods = self.assemble(*frames)
        except InputError:  # reported by the build, from all rows
            self.failed = True
            return
        try:
            for org, parts in by_org.items():
                self.done[org] = (folder, write_parts(self.staging, org, parts), periods.get(org, []))
        except OSError as exc:  # as at the end of the build: the store in place is untouched
            raise write_failed(Path(self.staging).parent, exc) from None


def _folder(source_file: str) -> str:
    return PurePosixPath(source_file).parent.as_posix()
