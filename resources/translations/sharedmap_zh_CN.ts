<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>GuiOptions</name>
    <message>
        <source>SharedMap: a parallel map over arrays in shared memory.</source>
        <translation>SharedMap：对共享内存中的数组做并行映射。</translation>
    </message>
    <message>
        <source>Open a job file.</source>
        <translation>打开任务文件。</translation>
    </message>
    <message>
        <source>Kernel name.</source>
        <translation>内核名称。</translation>
    </message>
    <message>
        <source>Kernel parameter (repeatable).</source>
        <translation>内核参数（可重复）。</translation>
    </message>
    <message>
        <source>Index spec.</source>
        <translation>索引规格。</translation>
    </message>
    <message>
        <source>Worker processes.</source>
        <translation>工作进程数。</translation>
    </message>
    <message>
        <source>Chunk size or auto.</source>
        <translation>分块大小或 auto。</translation>
    </message>
    <message>
        <source>Run the job once the input is loaded.</source>
        <translation>输入载入后立即运行任务。</translation>
    </message>
    <message>
        <source>A .npy file to open.</source>
        <translation>要打开的 .npy 文件。</translation>
    </message>
    <message>
        <source>at most one FILE</source>
        <translation>最多只能指定一个 FILE</translation>
    </message>
    <message>
        <source>--param needs KEY=VALUE, not &apos;%1&apos;</source>
        <translation>--param 需要 KEY=VALUE 形式，而不是“%1”</translation>
    </message>
    <message>
        <source>--workers must be 1..%1</source>
        <translation>--workers 必须在 1..%1 之间</translation>
    </message>
    <message>
        <source>--chunksize must be at least 1 or auto</source>
        <translation>--chunksize 必须至少为 1，或为 auto</translation>
    </message>
</context>
<context>
    <name>Kernels</name>
    <message>
        <source>Simulated work per index, in milliseconds</source>
        <translation>每个索引的模拟工作时长（毫秒）</translation>
    </message>
    <message>
        <source>rows (first axis)</source>
        <translation>行（第一个轴）</translation>
    </message>
    <message>
        <source>Diagonal element B[a, a] of a 2-D array (np.diag)</source>
        <translation>二维数组的对角元素 B[a, a]（np.diag）</translation>
    </message>
    <message>
        <source>diagonal: min(shape) of a 2-D array</source>
        <translation>对角线：二维数组的 min(shape)</translation>
    </message>
    <message>
        <source>Sum of row a</source>
        <translation>第 a 行的和</translation>
    </message>
    <message>
        <source>Mean of row a</source>
        <translation>第 a 行的平均值</translation>
    </message>
    <message>
        <source>Population standard deviation (ddof=0) of row a</source>
        <translation>第 a 行的总体标准差（ddof=0）</translation>
    </message>
    <message>
        <source>Minimum of row a</source>
        <translation>第 a 行的最小值</translation>
    </message>
    <message>
        <source>Maximum of row a</source>
        <translation>第 a 行的最大值</translation>
    </message>
    <message>
        <source>Euclidean (L2) norm of row a</source>
        <translation>第 a 行的欧几里得（L2）范数</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>sharedmap::ArrayListModel</name>
    <message>
        <source>Generated in shared memory</source>
        <translation>在共享内存中生成</translation>
    </message>
    <message>
        <source>Fortran order (column-major)</source>
        <translation>Fortran 顺序（列优先）</translation>
    </message>
    <message>
        <source>C order (row-major)</source>
        <translation>C 顺序（行优先）</translation>
    </message>
    <message>
        <source>%1 bytes of data</source>
        <translation>%1 字节数据</translation>
    </message>
    <message>
        <source>System V shared memory segment, %1 bytes including the header</source>
        <translation>System V 共享内存段，含头部共 %1 字节</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>DType</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>内存段</translation>
    </message>
</context>
<context>
    <name>sharedmap::ArrayStore</name>
    <message>
        <source>loading cancelled</source>
        <translation>载入已取消</translation>
    </message>
</context>
<context>
    <name>sharedmap::DataPanel</name>
    <message>
        <source>Arrays held in shared memory; the selected one is the job&apos;s input</source>
        <translation>保存在共享内存中的数组；选中的数组即任务的输入</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop loading this file</source>
        <translation>停止载入此文件</translation>
    </message>
    <message>
        <source>The array&apos;s values, read from shared memory as you scroll</source>
        <translation>数组的值，滚动时从共享内存读取</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热图</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>The array as an image (downsampled for big arrays)</source>
        <translation>以图像显示数组（大数组会降采样）</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在载入 %1…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>No array loaded. Open a .npy file (Ctrl+O), drop one here, or generate one (Ctrl+G).</source>
        <translation>尚未载入数组。请打开 .npy 文件（Ctrl+O）、将文件拖放到此处，或生成一个数组（Ctrl+G）。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Input:&lt;/b&gt; %1 — %2 %3, %4 order, %5 in shared memory segment &lt;tt&gt;%6&lt;/tt&gt;%7</source>
        <translation>&lt;b&gt;输入：&lt;/b&gt;%1 — %2 %3，%4 顺序，%5，位于共享内存段 &lt;tt&gt;%6&lt;/tt&gt;%7</translation>
    </message>
    <message>
        <source>&lt;br&gt;from %1</source>
        <translation>&lt;br&gt;来自 %1</translation>
    </message>
</context>
<context>
    <name>sharedmap::GenerateDialog</name>
    <message>
        <source>Generate an array</source>
        <translation>生成数组</translation>
    </message>
    <message>
        <source>uniform</source>
        <translation>均匀分布</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>正态分布</translation>
    </message>
    <message>
        <source>arange</source>
        <translation>等差序列</translation>
    </message>
    <message>
        <source>Dimensions separated by x, e.g. 1000x1000 or 100x20x30</source>
        <translation>各维度用 x 分隔，例如 1000x1000 或 100x20x30</translation>
    </message>
    <message>
        <source>Element type, as NumPy names it</source>
        <translation>元素类型，使用 NumPy 的名称</translation>
    </message>
    <message>
        <source>uniform: [0, 1) for floats, 0–99 for integers; normal: N(0, 1); arange: 0, 1, 2, …</source>
        <translation>均匀分布：浮点数取 [0, 1)，整数取 0–99；正态分布：N(0, 1)；等差序列：0, 1, 2, …</translation>
    </message>
    <message>
        <source>The same seed gives the same array</source>
        <translation>相同的种子生成相同的数组</translation>
    </message>
    <message>
        <source>&amp;Shape:</source>
        <translation>形状(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>类型(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Distribution:</source>
        <translation>分布(&amp;D)：</translation>
    </message>
    <message>
        <source>S&amp;eed:</source>
        <translation>种子(&amp;E)：</translation>
    </message>
    <message>
        <source>%1 %2 %3</source>
        <translation>%1 %2 %3</translation>
    </message>
    <message>
        <source>%1 needed, %2 available</source>
        <translation>需要 %1，可用 %2</translation>
    </message>
    <message>
        <source>%1 in shared memory</source>
        <translation>共享内存中占 %1</translation>
    </message>
</context>
<context>
    <name>sharedmap::HeatmapView</name>
    <message>
        <source>column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>No array</source>
        <translation>没有数组</translation>
    </message>
    <message>
        <source>This array cannot be previewed.</source>
        <translation>无法预览此数组。</translation>
    </message>
    <message>
        <source>0-d array: a single value, %1</source>
        <translation>0 维数组：单个值 %1</translation>
    </message>
    <message>
        <source>Empty array %1: nothing to show</source>
        <translation>空数组 %1：没有可显示的内容</translation>
    </message>
    <message>
        <source>Array %1 has no finite values to show</source>
        <translation>数组 %1 没有可显示的有限值</translation>
    </message>
    <message>
        <source>%1 %2 as %3 × %4</source>
        <translation>%1 %2，显示为 %3 × %4</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1, sampled to %2 × %3 cells</source>
        <translation>%1，采样为 %2 × %3 个单元</translation>
    </message>
    <message>
        <source>row %1, column %2: %3</source>
        <translation>第 %1 行，第 %2 列：%3</translation>
    </message>
</context>
<context>
    <name>sharedmap::JobPanel</name>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>The computation applied to each index (like the function given to process_map)</source>
        <translation>对每个索引执行的计算（相当于传给 process_map 的函数）</translation>
    </message>
    <message>
        <source>Which indices to compute: all, a Python slice such as 0:100:2 or ::-1, a list such as 0,1,2,3, or @file.npy</source>
        <translation>要计算的索引：all、Python 切片（如 0:100:2 或 ::-1）、列表（如 0,1,2,3）或 @file.npy</translation>
    </message>
    <message>
        <source>Worker processes; each attaches to the same shared array (default: one per core)</source>
        <translation>工作进程数；每个进程都挂接到同一个共享数组（默认：每个 CPU 核心一个）</translation>
    </message>
    <message>
        <source>Indices a worker claims at a time (process_map&apos;s chunksize)</source>
        <translation>工作进程每次领取的索引数（即 process_map 的 chunksize）</translation>
    </message>
    <message>
        <source>Adapt the chunk size to the measured task time</source>
        <translation>根据测得的任务耗时自动调整分块大小</translation>
    </message>
    <message>
        <source>&amp;Kernel:</source>
        <translation>内核(&amp;K)：</translation>
    </message>
    <message>
        <source>&amp;Indices:</source>
        <translation>索引(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Workers:</source>
        <translation>工作进程(&amp;W)：</translation>
    </message>
    <message>
        <source>C&amp;hunk size:</source>
        <translation>分块大小(&amp;H)：</translation>
    </message>
    <message>
        <source>Indices: %1</source>
        <translation>索引：%1</translation>
    </message>
    <message>
        <source> (%1 to %2)</source>
        <translation>（%1 到 %2）</translation>
    </message>
    <message>
        <source>Choose a kernel.</source>
        <translation>请选择一个内核。</translation>
    </message>
    <message>
        <source>Load or generate an array first (File ▸ Open, or drop a .npy file here).</source>
        <translation>请先载入或生成数组（文件 ▸ 打开，或将 .npy 文件拖放到此处）。</translation>
    </message>
    <message numerus="yes">
        <source>%n index(es) of %1</source>
        <translation>
            <numerusform>%n 个索引（共 %1 个）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sharedmap::LivePlot</name>
    <message>
        <source>Cannot save a plot as &quot;%1&quot;: choose a file name ending in .png or .pdf.</source>
        <translation>无法将图表保存为“%1”：请选择以 .png 或 .pdf 结尾的文件名。</translation>
    </message>
    <message>
        <source>Could not write the plot to %1.</source>
        <translation>无法将图表写入 %1。</translation>
    </message>
    <message>
        <source>Reset view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <source>Save image…</source>
        <translation>保存图像…</translation>
    </message>
    <message>
        <source>Save plot</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>sharedmap::LogPanel</name>
    <message>
        <source>What the engine and the window did, with times</source>
        <translation>引擎和窗口执行的操作及其时间</translation>
    </message>
</context>
<context>
    <name>sharedmap::MainWindow</name>
    <message>
        <source>SharedMap</source>
        <translation>SharedMap</translation>
    </message>
    <message>
        <source>Loaded %1: %2 %3 into shared memory</source>
        <translation>已将 %1（%2 %3）载入共享内存</translation>
    </message>
    <message>
        <source>Removed %1 (%2) left by a killed run (pid %3)</source>
        <translation>已移除被终止的运行（pid %3）遗留的 %1（%2）</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open array…</source>
        <translation>打开数组(&amp;O)…</translation>
    </message>
    <message>
        <source>Open array</source>
        <translation>打开数组</translation>
    </message>
    <message>
        <source>NumPy arrays (*.npy);;All files (*)</source>
        <translation>NumPy 数组 (*.npy);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Load a .npy file into shared memory (Ctrl+O)</source>
        <translation>将 .npy 文件载入共享内存（Ctrl+O）</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Generate array…</source>
        <translation>生成数组(&amp;G)…</translation>
    </message>
    <message>
        <source>Ctrl+G</source>
        <translation>Ctrl+G</translation>
    </message>
    <message>
        <source>Make a demo array in shared memory (Ctrl+G)</source>
        <translation>在共享内存中生成演示数组（Ctrl+G）</translation>
    </message>
    <message>
        <source>Open &amp;job…</source>
        <translation>打开任务(&amp;J)…</translation>
    </message>
    <message>
        <source>Open job</source>
        <translation>打开任务</translation>
    </message>
    <message>
        <source>Job files (*.json)</source>
        <translation>任务文件 (*.json)</translation>
    </message>
    <message>
        <source>&amp;Save job…</source>
        <translation>保存任务(&amp;S)…</translation>
    </message>
    <message>
        <source>Save job</source>
        <translation>保存任务</translation>
    </message>
    <message>
        <source>Job saved to %1</source>
        <translation>任务已保存到 %1</translation>
    </message>
    <message>
        <source>&amp;Export results…</source>
        <translation>导出结果(&amp;E)…</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>NumPy array (*.npy);;CSV table (*.csv)</source>
        <translation>NumPy 数组 (*.npy);;CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Results exported to %1</source>
        <translation>结果已导出到 %1</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Write the results to .npy or .csv (Ctrl+E)</source>
        <translation>将结果写入 .npy 或 .csv（Ctrl+E）</translation>
    </message>
    <message>
        <source>Save &amp;plot…</source>
        <translation>保存图表(&amp;P)…</translation>
    </message>
    <message>
        <source>Save plot</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Plot saved to %1</source>
        <translation>图表已保存到 %1</translation>
    </message>
    <message>
        <source>Save the plot shown in the Monitor as PNG or PDF</source>
        <translation>将监视面板中显示的图表保存为 PNG 或 PDF</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Run the job on the selected array (Ctrl+R)</source>
        <translation>对选中的数组运行任务（Ctrl+R）</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the workers; results computed so far are kept (Esc)</source>
        <translation>停止工作进程，保留已算出的结果（Esc）</translation>
    </message>
    <message>
        <source>R&amp;esume</source>
        <translation>继续(&amp;E)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>Run the last job again, computing only the indices it did not finish (Ctrl+Shift+R)</source>
        <translation>重新运行上一个任务，只计算其未完成的索引（Ctrl+Shift+R）</translation>
    </message>
    <message>
        <source>Workers at &amp;low priority</source>
        <translation>以低优先级运行工作进程(&amp;L)</translation>
    </message>
    <message>
        <source>Run workers with a lower scheduling priority so the window stays smooth</source>
        <translation>以较低的调度优先级运行工作进程，使窗口保持流畅</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>The language changes when SharedMap is started again.</source>
        <translation>界面语言将在下次启动 SharedMap 时更改。</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Guide</source>
        <translation>使用指南(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;About SharedMap</source>
        <translation>关于 SharedMap(&amp;A)</translation>
    </message>
    <message>
        <source>SharedMap %1: a parallel map over arrays held once in shared memory.</source>
        <translation>SharedMap %1：对在共享内存中只保存一份的数组做并行映射。</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>正在载入 %1</translation>
    </message>
    <message>
        <source>The last job&apos;s array is no longer loaded: it cannot be resumed.</source>
        <translation>上一个任务的数组已不在内存中，无法继续。</translation>
    </message>
    <message>
        <source>Resuming %1…</source>
        <translation>正在继续 %1…</translation>
    </message>
    <message>
        <source>Running %1…</source>
        <translation>正在运行 %1…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Done in %1 s</source>
        <translation>完成，用时 %1 秒</translation>
    </message>
    <message>
        <source>The job failed: %1</source>
        <translation>任务失败：%1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>No results to export yet: run a job first.</source>
        <translation>还没有可导出的结果：请先运行任务。</translation>
    </message>
    <message>
        <source>No plot is shown.</source>
        <translation>当前没有显示图表。</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <source>SharedMap guide</source>
        <translation>SharedMap 使用指南</translation>
    </message>
    <message>
        <source>&lt;h2&gt;SharedMap&lt;/h2&gt;&lt;p&gt;SharedMap runs a &lt;b&gt;kernel&lt;/b&gt; over the &lt;b&gt;indices&lt;/b&gt; of an array with several &lt;b&gt;worker processes&lt;/b&gt;, like Python&apos;s &lt;tt&gt;process_map(fn, indices, max_workers, chunksize)&lt;/tt&gt;. The array is put &lt;b&gt;once&lt;/b&gt; in shared memory and every worker reads the same bytes: no copies.&lt;/p&gt;&lt;h3&gt;The window&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Data&lt;/b&gt;: the arrays in shared memory. Open a .npy file (Ctrl+O), drop one on the window, or generate one (Ctrl+G). The selected array is the job&apos;s input; below it, a heatmap and a table of its values.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Job&lt;/b&gt;: the kernel and its parameters, the indices (&lt;tt&gt;all&lt;/tt&gt;, a Python slice like &lt;tt&gt;0:100:2&lt;/tt&gt;, a list like &lt;tt&gt;0,1,2&lt;/tt&gt;), the number of workers and the chunk size (how many indices a worker claims at a time).&lt;/li&gt;&lt;li&gt;&lt;b&gt;Monitor&lt;/b&gt;: the progress bar with tqdm&apos;s figures (done/total [elapsed&amp;lt;remaining, rate]), one row per worker (state, chunk held, tasks done, CPU, memory), and live plots: results against index, throughput, a timeline of which worker computed which chunk, and memory over time next to the array&apos;s size.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Results&lt;/b&gt; and &lt;b&gt;Log&lt;/b&gt;: the ordered results (Ctrl+C copies them) and what happened, with times.&lt;/li&gt;&lt;/ul&gt;&lt;h3&gt;Plots&lt;/h3&gt;&lt;p&gt;Drag to pan, scroll to zoom, double-click to reset the view, hover a point to read it.&lt;/p&gt;&lt;h3&gt;Shortcuts&lt;/h3&gt;&lt;p&gt;Ctrl+R run, Esc cancel, Ctrl+O open, Ctrl+G generate, Ctrl+E export results.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;SharedMap&lt;/h2&gt;&lt;p&gt;SharedMap 用多个&lt;b&gt;工作进程&lt;/b&gt;对数组的各个&lt;b&gt;索引&lt;/b&gt;执行同一个&lt;b&gt;内核&lt;/b&gt;，就像 Python 的 &lt;tt&gt;process_map(fn, indices, max_workers, chunksize)&lt;/tt&gt;。数组只在共享内存中存放&lt;b&gt;一份&lt;/b&gt;，所有工作进程读取同一份数据，不做任何复制。&lt;/p&gt;&lt;h3&gt;窗口&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;数据&lt;/b&gt;：共享内存中的数组。打开 .npy 文件（Ctrl+O）、将文件拖放到窗口上，或生成一个数组（Ctrl+G）。选中的数组就是任务的输入，下方以热图和表格显示它的值。&lt;/li&gt;&lt;li&gt;&lt;b&gt;任务&lt;/b&gt;：内核及其参数、索引（&lt;tt&gt;all&lt;/tt&gt;、Python 切片如 &lt;tt&gt;0:100:2&lt;/tt&gt;、列表如 &lt;tt&gt;0,1,2&lt;/tt&gt;）、工作进程数和分块大小（工作进程每次领取的索引数）。&lt;/li&gt;&lt;li&gt;&lt;b&gt;监视&lt;/b&gt;：带有 tqdm 各项数字的进度条（已完成/总数 [已用时间&amp;lt;剩余时间, 速率]）、每个工作进程一行（状态、持有的分块、已完成任务、CPU、内存），以及实时图表：结果随索引的变化、吞吐量、哪个工作进程在何时计算了哪个分块的时间线，以及内存随时间的变化（与数组大小对照）。&lt;/li&gt;&lt;li&gt;&lt;b&gt;结果&lt;/b&gt;和&lt;b&gt;日志&lt;/b&gt;：按索引顺序排列的结果（Ctrl+C 复制）以及带时间的运行记录。&lt;/li&gt;&lt;/ul&gt;&lt;h3&gt;图表&lt;/h3&gt;&lt;p&gt;拖动以平移，滚轮缩放，双击重置视图，鼠标悬停可读取数据点。&lt;/p&gt;&lt;h3&gt;快捷键&lt;/h3&gt;&lt;p&gt;Ctrl+R 运行，Esc 取消，Ctrl+O 打开，Ctrl+G 生成，Ctrl+E 导出结果。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>sharedmap::MemoryPlot</name>
    <message>
        <source>time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>memory (MiB)</source>
        <translation>内存（MiB）</translation>
    </message>
    <message>
        <source>total PSS (app + workers)</source>
        <translation>PSS 总计（应用 + 工作进程）</translation>
    </message>
</context>
<context>
    <name>sharedmap::MonitorPanel</name>
    <message>
        <source>Share of the indices computed</source>
        <translation>已计算索引的比例</translation>
    </message>
    <message>
        <source>Idle. Press Run (Ctrl+R) to start the job.</source>
        <translation>空闲。按“运行”（Ctrl+R）开始任务。</translation>
    </message>
    <message>
        <source>Done/total [elapsed&lt;remaining, rate], as tqdm prints it</source>
        <translation>已完成/总数 [已用时间&lt;剩余时间, 速率]，与 tqdm 的输出格式相同</translation>
    </message>
    <message>
        <source>One row per worker process: what it holds and what it costs</source>
        <translation>每个工作进程一行：它持有的任务及其资源占用</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Each result against its index, as it arrives</source>
        <translation>每个结果随其索引显示，到达即绘制</translation>
    </message>
    <message>
        <source>Tasks per second over time</source>
        <translation>每秒任务数随时间的变化</translation>
    </message>
    <message>
        <source>Which worker computed which chunk, and when</source>
        <translation>哪个工作进程在何时计算了哪个分块</translation>
    </message>
    <message>
        <source>Memory of the app and its workers (proportional set size) next to the array&apos;s size</source>
        <translation>应用及其工作进程的内存（比例集大小 PSS），与数组大小对照</translation>
    </message>
    <message>
        <source>array size</source>
        <translation>数组大小</translation>
    </message>
    <message>
        <source>Cancelled: %1 of %2 indices computed in %3 s.</source>
        <translation>已取消：%3 秒内计算了 %1 / %2 个索引。</translation>
    </message>
    <message>
        <source>Done: %1 indices in %2 s (start-up %3 s, compute %4 s).</source>
        <translation>完成：%1 个索引，用时 %2 秒（启动 %3 秒，计算 %4 秒）。</translation>
    </message>
    <message>
        <source>Peak memory of the app and its workers: %1</source>
        <translation>应用及其工作进程的峰值内存：%1</translation>
    </message>
    <message>
        <source>; the array (%1) is held once in shared memory</source>
        <translation>；数组（%1）在共享内存中只保存一份</translation>
    </message>
    <message>
        <source>%1 indices failed after retries.</source>
        <translation>%1 个索引在重试后仍然失败。</translation>
    </message>
    <message>
        <source>%1 chunks retried after worker crashes.</source>
        <translation>%1 个分块在工作进程崩溃后重试。</translation>
    </message>
    <message>
        <source>The job failed: %1</source>
        <translation>任务失败：%1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>two sentences in a row</comment>
        <translation>%1%2</translation>
    </message>
    <message>
        <source>%1.</source>
        <comment>ends a sentence</comment>
        <translation>%1。</translation>
    </message>
</context>
<context>
    <name>sharedmap::Pool</name>
    <message>
        <source>Job %1: %2 over %3 indices with %4 workers</source>
        <translation>任务 %1：%2，共 %3 个索引，%4 个工作进程</translation>
    </message>
    <message>
        <source>worker %1: %2</source>
        <translation>工作进程 %1：%2</translation>
    </message>
    <message>
        <source>cannot start worker %1: %2</source>
        <translation>无法启动工作进程 %1：%2</translation>
    </message>
    <message>
        <source>worker %1 sent garbage (%2): treated as crashed</source>
        <translation>工作进程 %1 发送了无效数据（%2）：按崩溃处理</translation>
    </message>
    <message>
        <source>worker %1 (pid %2) crashed</source>
        <translation>工作进程 %1（pid %2）崩溃</translation>
    </message>
    <message>
        <source>worker %1 (pid %2) exited with code %3</source>
        <translation>工作进程 %1（pid %2）退出，退出码 %3</translation>
    </message>
    <message>
        <source>workers keep failing to start (%1)%2</source>
        <translation>工作进程反复启动失败（%1）%2</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>崩溃</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>退出码 %1</translation>
    </message>
    <message>
        <source>%1 while computing it, %2 times</source>
        <translation>计算时%1，共 %2 次</translation>
    </message>
    <message>
        <source>index %1 (position %2) failed after %3 crashes</source>
        <translation>索引 %1（位置 %2）在 %3 次崩溃后失败</translation>
    </message>
    <message>
        <source>Job %1: cancelling</source>
        <translation>任务 %1：正在取消</translation>
    </message>
    <message>
        <source>worker %1 did not start within %2 s: killed</source>
        <translation>工作进程 %1 未在 %2 秒内启动：已强制结束</translation>
    </message>
    <message>
        <source>worker %1 (pid %2) made no progress for %3 s (task timeout)</source>
        <translation>工作进程 %1（pid %2）已 %3 秒没有进展（任务超时）</translation>
    </message>
    <message>
        <source>: killed, its chunk goes back to the queue</source>
        <translation>：已强制结束，其分块重新放回队列</translation>
    </message>
    <message>
        <source>the kernel failed on this index</source>
        <translation>内核在此索引上计算失败</translation>
    </message>
    <message>
        <source>Job %1: cancelled after %2 s</source>
        <translation>任务 %1：%2 秒后取消</translation>
    </message>
    <message>
        <source>Job %1: done in %2 s</source>
        <translation>任务 %1：完成，用时 %2 秒</translation>
    </message>
    <message>
        <source>Job failed: %1</source>
        <translation>任务失败：%1</translation>
    </message>
</context>
<context>
    <name>sharedmap::ResultsModel</name>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>kernel failed</source>
        <translation>内核失败</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>索引</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Value %1</source>
        <translation>值 %1</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>sharedmap::ResultsPanel</name>
    <message>
        <source>Results in the order of the indices, like process_map&apos;s list. Ctrl+C copies the selection.</source>
        <translation>按索引顺序排列的结果，如同 process_map 返回的列表。Ctrl+C 复制所选内容。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>sharedmap::ResultsPlot</name>
    <message>
        <source>index</source>
        <translation>索引</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>index %1: %2</source>
        <translation>索引 %1：%2</translation>
    </message>
</context>
<context>
    <name>sharedmap::ThroughputPlot</name>
    <message>
        <source>time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>tasks/s</source>
        <translation>任务/秒</translation>
    </message>
    <message>
        <source>throughput</source>
        <translation>吞吐量</translation>
    </message>
</context>
<context>
    <name>sharedmap::TimelinePlot</name>
    <message>
        <source>time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>worker %1</source>
        <translation>工作进程 %1</translation>
    </message>
    <message>
        <source>worker %1: position %2, %3 s</source>
        <translation>工作进程 %1：位置 %2，%3 秒</translation>
    </message>
    <message>
        <source>worker %1: positions %2–%3 (%4), %5 s</source>
        <translation>工作进程 %1：位置 %2–%3（%4），%5 秒</translation>
    </message>
</context>
<context>
    <name>sharedmap::WorkerModel</name>
    <message>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>已崩溃</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message numerus="yes">
        <source>Slot %1: %n process restart(s)</source>
        <translation>
            <numerusform>槽位 %1：进程重启 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <source>Positions the worker has claimed and is computing</source>
        <translation>该工作进程已领取、正在计算的位置</translation>
    </message>
    <message>
        <source>%1 tasks in %2 chunks, %3 s busy</source>
        <translation>%2 个分块共 %1 个任务，忙碌 %3 秒</translation>
    </message>
    <message>
        <source>Resident set size: counts shared array pages in full, in every worker</source>
        <translation>常驻集大小（RSS）：共享数组的页面在每个工作进程中都被完整计入</translation>
    </message>
    <message>
        <source>Proportional set size: shared pages divided among the processes mapping them</source>
        <translation>比例集大小（PSS）：共享页面按映射它们的进程数平均分摊</translation>
    </message>
    <message>
        <source>Time since the worker last wrote its heartbeat to shared memory (after every chunk and every 1024 tasks). A growing age means a slow task or a stuck worker.</source>
        <translation>距工作进程上次向共享内存写入心跳的时间（每完成一个分块或每 1024 个任务写入一次）。该时间不断增长表示任务很慢或工作进程卡住了。</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Chunk</source>
        <translation>分块</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务数</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>RSS</source>
        <translation>RSS</translation>
    </message>
    <message>
        <source>PSS</source>
        <translation>PSS</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>心跳</translation>
    </message>
</context>
</TS>
