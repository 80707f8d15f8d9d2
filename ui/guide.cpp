#include "guide.h"

#include <QKeyEvent>

namespace sharedmap {

Guide::Guide(QWidget* parent)
    : QTextBrowser(parent)
{
    setWindowFlag(Qt::Window);
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("SharedMap guide"));
    setHtml(tr(
        "<h2>SharedMap</h2>"
        "<p>SharedMap runs a <b>kernel</b> over the <b>indices</b> of an array with several <b>worker processes</b>, "
        "like Python's <tt>process_map(fn, indices, max_workers, chunksize)</tt>. The array is put <b>once</b> in "
        "shared memory and every worker reads the same bytes: no copies.</p>"
        "<h3>The window</h3>"
        "<ul><li><b>Data</b>: the arrays in shared memory. Open an array file (.npy, .npz, HDF5, CSV, image, raw; "
        "Ctrl+O), drop one on the window, or "
        "generate one (Ctrl+G). The selected array is the job's input; below it, a heatmap and a table of its "
        "values.</li>"
        "<li><b>Job</b>: the kernel and its parameters, the indices (<tt>all</tt>, a Python slice like "
        "<tt>0:100:2</tt>, "
        "a list like <tt>0,1,2</tt>), the number of workers and the chunk size (how many indices a worker claims at a "
        "time).</li>"
        "<li><b>Monitor</b>: the progress bar with tqdm's figures (done/total [elapsed&lt;remaining, rate]), one row "
        "per "
        "worker (state, chunk held, tasks done, CPU, memory), and live plots: results against index, throughput, "
        "a timeline of which worker computed which chunk, and memory over time next to the array's size.</li>"
        "<li><b>Results</b> and <b>Log</b>: the ordered results (Ctrl+C copies them) and what happened, with "
        "times.</li></ul>"
        "<h3>Plots</h3><p>Drag to pan, scroll to zoom, double-click to reset the view, hover a point to read it.</p>"
        "<h3>Shortcuts</h3><p>Ctrl+R run, Esc cancel, Ctrl+O open, Ctrl+G generate, Ctrl+E export results.</p>"));
    resize(640, 560);
}

void Guide::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier) {
        close(); // a help window closes as a dialog does
        return;
    }
    QTextBrowser::keyPressEvent(event);
}

} // namespace sharedmap
