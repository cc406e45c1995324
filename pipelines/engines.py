"""Where the per-file work runs: local contained workers, or a Dask cluster.

Both engines run the same module-level function (``pipelines.worker.process_input``) on the
same items and yield each result with the item's position as soon as it is read; the output
does not depend on that order, so the output folder is the same whichever ran it (only the
manifest's timings differ).

``local`` (the default) is ``pipelines.worker``: forked workers under ``--timeout`` and
``--max-memory-mb``. ``dask`` maps the function over a dask.distributed cluster: the one at
``--scheduler``, or a ``LocalCluster`` of ``--jobs`` single-threaded worker processes. There
the readers' own limits apply (file size, zip sizes, table cells); time and memory are the
cluster's to police (its workers' memory limit and nanny), because a task cannot be killed
without killing the worker that runs it. A task the cluster gives up on (its worker died
repeatedly) becomes that file's ``failed`` row, as on the local engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import ExitStack

from goaltables.pipelines.discover import Input
from goaltables.pipelines.preflight import PreflightError
from goaltables.pipelines.process import FileResult, failed_result
from goaltables.pipelines.settings import Settings
from goaltables.pipelines.worker import process_input
from goaltables.pipelines.worker import completed as local_completed

log = logging.getLogger(__name__)
ENGINES = ("local", "dask")
MISSING_DASK = "the dask engine needs dask.distributed: pip install 'goaltables[dask]'"


def completed(items: Sequence[Input], settings: Settings, meanwhile: Callable[[], object] | None = None
              ) -> Generator[tuple[int, FileResult], None, None]:
    """``(position, result)`` of every item, as each is read, from the engine the settings name;
    ``meanwhile`` runs once in this process once the first files are being read elsewhere."""
    if settings.engine == "dask":
        return dask_completed(items, settings, meanwhile)
    return local_completed(list(items), settings, meanwhile)


def check_engine(settings: Settings) -> None:
    """Fail before any work when the engine cannot start (not installed)."""
    if settings.engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise PreflightError(MISSING_DASK) from None


def dask_completed(items: Sequence[Input], settings: Settings, meanwhile: Callable[[], object] | None = None
                   ) -> Generator[tuple[int, FileResult], None, None]:
    """``client.map`` of ``process_input`` over the items; results gathered as they complete,
    each released once yielded so the cluster does not hold the whole batch."""
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if settings.scheduler:
            client = stack.enter_context(Client(settings.scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=settings.jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                memory_limit=f"{settings.max_memory_mb + 512}MiB"))
            client = stack.enter_context(Client(cluster))
        log.info("dask engine: %s", client.dashboard_link if settings.scheduler else f"LocalCluster of {settings.jobs}")
        futures = client.map(process_input, list(items), settings=settings, pure=False)
        if meanwhile is not None:
            meanwhile()
        try:
            yield from _gathered(items, futures)
        finally:
            client.cancel([f for f in futures if not f.done()])


def _gathered(items: Sequence[Input], futures: list) -> Iterator[tuple[int, FileResult]]:
    from distributed import as_completed

    position = {future.key: i for i, future in enumerate(futures)}
    for future in as_completed(futures):
        index = position[future.key]
        item = items[index]
        try:
            result = future.result()
        except Exception as exc:  # the task died with its worker, or the cluster went away
            error = f"its Dask task failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})"
            result = failed_result(item.path, item.source_path, None, None, error, "limit_exceeded", {})
        future.release()
        yield index, result
