<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Demos</name>
    <message>
        <source>Copy vs shared memory</source>
        <translation>复制与共享内存</translation>
    </message>
    <message>
        <source>&lt;p&gt;Python&apos;s &lt;code&gt;process_map(f, indices)&lt;/code&gt; pickles every argument into every worker: pass it a big NumPy array and each worker holds its &lt;b&gt;own copy&lt;/b&gt;. With 2 workers an 800 MB array costs 2.4 GB, and a bigger one ends in &lt;code&gt;MemoryError&lt;/code&gt;.&lt;/p&gt;&lt;p&gt;This demo loads a 200 MB array and sets the job to &lt;b&gt;Copy per worker&lt;/b&gt;. Press &lt;b&gt;Run&lt;/b&gt; and watch the &lt;b&gt;Memory&lt;/b&gt; tab: the total climbs to about three times the array (the app&apos;s copy and one per worker), and the start-up includes sending the copies. Switch &lt;i&gt;Memory&lt;/i&gt; in the Job panel to &lt;b&gt;Shared memory&lt;/b&gt; and run again: the workers read the one shared copy, the total stays at the array&apos;s size, and they start at once. The results are identical.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Demos ▸ Compare shared vs copy&lt;/b&gt; runs both and puts them side by side.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Python 的 &lt;code&gt;process_map(f, indices)&lt;/code&gt; 会把每个参数序列化（pickle）后传给每个工作进程：传入一个大型 NumPy 数组，每个工作进程就各持有&lt;b&gt;一份副本&lt;/b&gt;。2 个工作进程时，800 MB 的数组要占用 2.4 GB，更大的数组则以 &lt;code&gt;MemoryError&lt;/code&gt; 告终。&lt;/p&gt;&lt;p&gt;本演示载入一个 200 MB 的数组，并将任务设为&lt;b&gt;每个工作进程一份副本&lt;/b&gt;。按&lt;b&gt;运行&lt;/b&gt;并观察&lt;b&gt;内存&lt;/b&gt;标签页：总量升至约为数组的三倍（应用自身一份，加上每个工作进程各一份），且启动时间包含了发送副本的时间。将任务面板中的&lt;i&gt;内存&lt;/i&gt;切换为&lt;b&gt;共享内存&lt;/b&gt;后再次运行：工作进程读取同一份共享数据，总量保持在数组大小，且立即启动。两次结果完全相同。&lt;/p&gt;&lt;p&gt;&lt;b&gt;演示 ▸ 比较共享与复制&lt;/b&gt;会运行两种方式并将结果并排对比。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>A race: counting without a lock</source>
        <translation>竞态：不加锁的计数</translation>
    </message>
    <message>
        <source>The race fixed with a mutex</source>
        <translation>用互斥锁修复竞态</translation>
    </message>
    <message>
        <source>The race fixed with an atomic add</source>
        <translation>用原子加法修复竞态</translation>
    </message>
    <message>
        <source>&lt;p&gt;The same counter, incremented with an &lt;b&gt;atomic add&lt;/b&gt;: the processor performs read-add-write as one indivisible step, so no update is lost and no worker waits for a lock. For a single number this is the fastest correct choice; a mutex is for updates of several places at once.&lt;/p&gt;</source>
        <translation>&lt;p&gt;同一个计数器，改用&lt;b&gt;原子加法&lt;/b&gt;递增：处理器把读-加-写作为一个不可分割的步骤执行，因此不会丢失更新，也没有工作进程需要等待锁。对单个数值而言，这是最快的正确做法；互斥锁适用于需要同时更新多个位置的情况。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>A shared histogram</source>
        <translation>共享直方图</translation>
    </message>
    <message>
        <source>&lt;p&gt;Every task counts the values of one row into &lt;b&gt;one shared array of counts&lt;/b&gt; — tasks write the same places, so each count is added atomically. Watch the bell curve of normal data build up in the &lt;b&gt;Histogram&lt;/b&gt; tab. The counts equal NumPy&apos;s &lt;code&gt;np.histogram(B, 60, range=(-4, 4))&lt;/code&gt;; &lt;i&gt;File ▸ Export results&lt;/i&gt; saves them.&lt;/p&gt;</source>
        <translation>&lt;p&gt;每个任务把一行的值计入&lt;b&gt;同一个共享计数数组&lt;/b&gt;——多个任务会写入相同的位置，因此每次计数都以原子方式累加。在&lt;b&gt;直方图&lt;/b&gt;标签页中观察正态分布数据的钟形曲线逐渐形成。这些计数与 NumPy 的 &lt;code&gt;np.histogram(B, 60, range=(-4, 4))&lt;/code&gt; 相同；&lt;i&gt;文件 ▸ 导出结果&lt;/i&gt;可将其保存。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Monte Carlo π</source>
        <translation>蒙特卡洛法估算 π</translation>
    </message>
    <message>
        <source>&lt;p&gt;Each task throws one batch of 200,000 random points into the unit square and counts those inside the quarter circle: 4 × inside / all estimates π. The &lt;b&gt;π estimate&lt;/b&gt; tab shows the mean of the batches done so far converging to π, with its 95 % band narrowing as 1/√n.&lt;/p&gt;&lt;p&gt;Every batch has its own seed, derived from the run&apos;s seed and its index, so the results are the same for any number of workers — parallel and reproducible.&lt;/p&gt;</source>
        <translation>&lt;p&gt;每个任务向单位正方形中投入一批 200,000 个随机点，并统计落在四分之一圆内的点数：4 × 圆内点数 / 总点数即为 π 的估计值。&lt;b&gt;π 估计&lt;/b&gt;标签页显示已完成批次的均值向 π 收敛，其 95 % 置信带按 1/√n 收窄。&lt;/p&gt;&lt;p&gt;每个批次都有自己的种子，由本次运行的种子和该批次的索引推导而来，因此无论使用多少个工作进程，结果都相同——既并行又可复现。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Mandelbrot, live</source>
        <translation>曼德博集合（实时绘制）</translation>
    </message>
    <message>
        <source>&lt;p&gt;Each index is one row of the image; workers write their rows straight into the shared results, so no lock is needed and the image comes out in order. Watch the &lt;b&gt;Image&lt;/b&gt; tab fill in; tick &lt;i&gt;Colour bands by worker&lt;/i&gt; to see who computed what. Rows inside the set are slow, rows outside are fast: the chunks adapt so both workers stay busy (see the &lt;b&gt;Timeline&lt;/b&gt;).&lt;/p&gt;</source>
        <translation>&lt;p&gt;每个索引对应图像的一行；工作进程把各自的行直接写入共享结果，因此无需加锁，各行也都落在正确的位置。观察&lt;b&gt;图像&lt;/b&gt;标签页逐步填满；勾选&lt;i&gt;按工作进程着色&lt;/i&gt;可查看每一行由谁计算。集合内部的行计算较慢，外部的行较快：分块会自动调整，使两个工作进程都保持忙碌（见&lt;b&gt;时间线&lt;/b&gt;）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Blurring an image in bands</source>
        <translation>分条带模糊图像</translation>
    </message>
    <message>
        <source>&lt;p&gt;A Gaussian blur of a noisy 900 × 1200 image: each task computes one output row from the rows around it, reading the shared input and writing its own row of the output. Neighbouring tasks read the same input rows but never write the same place. Change &lt;i&gt;sigma&lt;/i&gt; to blur more or less; open a photo with File ▸ Open to blur it instead.&lt;/p&gt;</source>
        <translation>&lt;p&gt;对一幅带噪声的 900 × 1200 图像做高斯模糊：每个任务根据周围的若干行计算一行输出，从共享输入中读取，并写入输出中属于自己的那一行。相邻任务会读取相同的输入行，但绝不会写入同一位置。修改 &lt;i&gt;sigma&lt;/i&gt; 可调整模糊程度；也可以用“文件 ▸ 打开数组”打开一张照片来模糊它。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Every task adds 1 to &lt;b&gt;one shared counter&lt;/b&gt; 16,000,000 times, paced over 0.4 s at least so you can watch. All workers start together. Adding 1 is three steps: read the counter, add, write it back. When two workers read the same value, both write value + 1 and one update is &lt;b&gt;lost&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Press &lt;b&gt;Run&lt;/b&gt; and watch the &lt;b&gt;Race&lt;/b&gt; tab: the counter falls behind the expected line; the summary tells how many updates were lost. Run again: the loss changes every time — that is what makes races hard to find.&lt;/p&gt;&lt;p&gt;Fix it with &lt;b&gt;lock = mutex&lt;/b&gt; (one worker at a time in the critical section) or &lt;b&gt;lock = atomic&lt;/b&gt; (the processor does read-add-write as one step): see the next demos.&lt;/p&gt;</source>
        <translation>&lt;p&gt;每个任务对&lt;b&gt;同一个共享计数器&lt;/b&gt;加 1，共 16,000,000 次，并且至少分散在 0.4 秒内完成，便于观察。所有工作进程同时开始。加 1 分为三步：读取计数器、加 1、写回。当两个工作进程读到同一个值时，二者都会写入“该值 + 1”，于是有一次更新&lt;b&gt;丢失&lt;/b&gt;。&lt;/p&gt;&lt;p&gt;按&lt;b&gt;运行&lt;/b&gt;并观察&lt;b&gt;竞态&lt;/b&gt;标签页：计数器会落后于期望线；摘要会给出丢失了多少次更新。再运行一次：每次丢失的数量都不同——这正是竞态难以发现的原因。&lt;/p&gt;&lt;p&gt;可用 &lt;b&gt;lock = mutex&lt;/b&gt;（每次只有一个工作进程进入临界区）或 &lt;b&gt;lock = atomic&lt;/b&gt;（由处理器把读-加-写作为一步完成）来修复：见后面的演示。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;The same counter, now behind a &lt;b&gt;process-shared mutex&lt;/b&gt; that lives in the job&apos;s shared memory: only one worker at a time reads, adds and writes. No update is lost — the counter follows the expected line exactly — but the workers now wait for each other, so it is slower: the same work as the race, and the Race tab puts the times of the three side by side.&lt;/p&gt;&lt;p&gt;The mutex is &lt;i&gt;robust&lt;/i&gt;: if a worker dies while holding it, the next worker to lock it takes it over and the job goes on (SharedMap retries the dead worker&apos;s task).&lt;/p&gt;</source>
        <translation>&lt;p&gt;同一个计数器，现在由位于任务共享内存中的&lt;b&gt;进程间共享互斥锁&lt;/b&gt;保护：每次只有一个工作进程执行读取、加 1 和写回。没有任何更新丢失——计数器与期望线完全吻合——但工作进程之间需要互相等待，因此速度更慢：工作量与竞态演示相同，竞态标签页会把三者的用时并列显示。&lt;/p&gt;&lt;p&gt;该互斥锁是&lt;i&gt;健壮的&lt;/i&gt;（robust）：如果某个工作进程在持有锁时意外终止，下一个加锁的工作进程会接管该锁，任务得以继续（SharedMap 会重试已终止工作进程的任务）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>watchable (about 10 s)</source>
        <translation>便于观察（约 10 秒）</translation>
    </message>
    <message>
        <source>brisk (a quarter of the pauses)</source>
        <translation>较快（停顿缩短为四分之一）</translation>
    </message>
    <message>
        <source>no pauses (as fast as it goes)</source>
        <translation>无停顿（全速运行）</translation>
    </message>
</context>
<context>
    <name>FileChooser</name>
    <message>
        <source>NumPy array</source>
        <translation>NumPy 数组</translation>
    </message>
    <message>
        <source>NumPy archive</source>
        <translation>NumPy 归档</translation>
    </message>
    <message>
        <source>HDF5</source>
        <translation>HDF5</translation>
    </message>
    <message>
        <source>CSV table</source>
        <translation>CSV 表格</translation>
    </message>
    <message>
        <source>TSV table</source>
        <translation>TSV 表格</translation>
    </message>
    <message>
        <source>Raw binary</source>
        <translation>原始二进制</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>PNG image of image-shaped results</source>
        <translation>图像形状结果的 PNG 图像</translation>
    </message>
    <message>
        <source>All arrays (%1)</source>
        <translation>所有数组 (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>FormulaEditor</name>
    <message>
        <source>Sum of squares</source>
        <translation>平方和</translation>
    </message>
    <message>
        <source>Largest magnitude</source>
        <translation>最大绝对值</translation>
    </message>
    <message>
        <source>Count of positive elements</source>
        <translation>正元素个数</translation>
    </message>
    <message>
        <source>Weighted mean (weights j)</source>
        <translation>加权平均（权重为 j）</translation>
    </message>
    <message>
        <source>Diagonal, doubled (the tutorial&apos;s kernel)</source>
        <translation>对角元素乘以 2（教程中的内核）</translation>
    </message>
    <message>
        <source>Last minus first element of the row</source>
        <translation>行的末元素减首元素</translation>
    </message>
    <message>
        <source>Every element clipped to [-1, 1] (a row per index)</source>
        <translation>每个元素截断到 [-1, 1]（每个索引一行）</translation>
    </message>
</context>
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
    <message>
        <source>Start with a teaching demo (copy, race, mutex, atomic, histogram, pi, mandelbrot, blur).</source>
        <translation>启动时打开一个教学演示（copy、race、mutex、atomic、histogram、pi、mandelbrot、blur）。</translation>
    </message>
    <message>
        <source>Load a kernel plugin (repeatable).</source>
        <translation>载入内核插件（可重复）。</translation>
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
    <message>
        <source>Row a scaled to unit L2 norm</source>
        <translation>将第 a 行缩放为单位 L2 范数</translation>
    </message>
    <message>
        <source>the normalised row (shape of a row)</source>
        <translation>归一化后的行（形状同一行）</translation>
    </message>
    <message>
        <source>Running sum along row a (flattened)</source>
        <translation>沿第 a 行的累积和（展平）</translation>
    </message>
    <message>
        <source>the running sums (row length values)</source>
        <translation>累积和（与行长度相同个数的值）</translation>
    </message>
    <message>
        <source>Gaussian blur of a 2-D array or an H×W×C image; index a is output row a</source>
        <translation>对二维数组或 H×W×C 图像做高斯模糊；索引 a 即输出的第 a 行</translation>
    </message>
    <message>
        <source>the blurred row (W or W×C values)</source>
        <translation>模糊后的行（W 或 W×C 个值）</translation>
    </message>
    <message>
        <source>Standard deviation of the Gaussian, in pixels</source>
        <translation>高斯核的标准差（像素）</translation>
    </message>
    <message>
        <source>Escape counts of the Mandelbrot set, one image row per index (no input array)</source>
        <translation>曼德博集合的逃逸次数，每个索引对应图像的一行（无需输入数组）</translation>
    </message>
    <message>
        <source>image rows: `height`</source>
        <translation>图像行：`height`</translation>
    </message>
    <message>
        <source>a row of `width` escape counts</source>
        <translation>一行 `width` 个逃逸次数</translation>
    </message>
    <message>
        <source>Image width in pixels</source>
        <translation>图像宽度（像素）</translation>
    </message>
    <message>
        <source>Image height in pixels (the index space)</source>
        <translation>图像高度（像素，即索引空间）</translation>
    </message>
    <message>
        <source>Left edge (real part)</source>
        <translation>左边界（实部）</translation>
    </message>
    <message>
        <source>Right edge (real part)</source>
        <translation>右边界（实部）</translation>
    </message>
    <message>
        <source>Bottom edge (imaginary part)</source>
        <translation>下边界（虚部）</translation>
    </message>
    <message>
        <source>Top edge (imaginary part)</source>
        <translation>上边界（虚部）</translation>
    </message>
    <message>
        <source>Iterations before a point counts as inside</source>
        <translation>迭代多少次后判定点在集合内</translation>
    </message>
    <message>
        <source>Expression in x (element), i (row index a), j (position in the row), n (row length); B(r, c) and B(k) read the input</source>
        <translation>关于 x（元素）、i（行索引 a）、j（在行中的位置）、n（行长度）的表达式；B(r, c) 和 B(k) 读取输入</translation>
    </message>
    <message>
        <source>one value</source>
        <translation>一个值</translation>
    </message>
    <message>
        <source>Every task adds 1 to one shared counter `iterations` times; lock=none loses updates, mutex and atomic do not (no input array)</source>
        <translation>每个任务对同一个共享计数器加 1，共 `iterations` 次；lock=none 会丢失更新，mutex 和 atomic 不会（无需输入数组）</translation>
    </message>
    <message>
        <source>tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>the counter as the task left it</source>
        <translation>该任务结束时计数器的值</translation>
    </message>
    <message>
        <source>Increments per task</source>
        <translation>每个任务的递增次数</translation>
    </message>
    <message>
        <source>none (a race), mutex (a process-shared lock) or atomic (an atomic add)</source>
        <translation>none（竞态）、mutex（进程间共享的互斥锁）或 atomic（原子加法）</translation>
    </message>
    <message>
        <source>Number of tasks (the index space)</source>
        <translation>任务数（即索引空间）</translation>
    </message>
    <message>
        <source>Spread each task&apos;s increments over this time (busy), to watch the race</source>
        <translation>将每个任务的递增分散在这段时间内（忙等），以便观察竞态</translation>
    </message>
    <message>
        <source>Counts the values of the indexed rows into one shared histogram (np.histogram with range=(min, max))</source>
        <translation>将所选索引各行的值计入同一个共享直方图（np.histogram，range=(min, max)）</translation>
    </message>
    <message>
        <source>number of values of row a inside [min, max]</source>
        <translation>第 a 行落在 [min, max] 内的值的个数</translation>
    </message>
    <message>
        <source>the counts per bin, shape (bins,)</source>
        <translation>每个区间的计数，形状为 (bins,)</translation>
    </message>
    <message>
        <source>Number of bins</source>
        <translation>区间数</translation>
    </message>
    <message>
        <source>Lower edge of the first bin</source>
        <translation>第一个区间的下边界</translation>
    </message>
    <message>
        <source>Upper edge of the last bin (closed)</source>
        <translation>最后一个区间的上边界（包含该值）</translation>
    </message>
    <message>
        <source>Estimates π from `samples` random points per batch, seeded per index: the same results for any number of workers (no input array)</source>
        <translation>每批用 `samples` 个随机点估算 π，按索引设定种子：无论多少个工作进程，结果都相同（无需输入数组）</translation>
    </message>
    <message>
        <source>batches</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>the batch&apos;s estimate 4 · hits / samples</source>
        <translation>该批次的估计值 4 · hits / samples</translation>
    </message>
    <message>
        <source>Random points per batch</source>
        <translation>每批随机点数</translation>
    </message>
    <message>
        <source>Number of batches (the index space)</source>
        <translation>批次数（即索引空间）</translation>
    </message>
    <message>
        <source>Seed of the whole run</source>
        <translation>整次运行的种子</translation>
    </message>
    <message>
        <source>Your formula (muparser): per element x of row a, reduced, or kept as a row with reduce=map; or per index with B(r, c) reads when reduce=none</source>
        <translation>你的公式（muparser）：对第 a 行的每个元素 x 求值后归约，或在 reduce=map 时保留为一行；reduce=none 时每个索引求值一次，用 B(r, c) 读取元素</translation>
    </message>
    <message>
        <source>sum, mean, min, max; map (keep the row of values: an output array shaped like the input); or none (evaluate once per index)</source>
        <translation>sum、mean、min、max；map（保留整行的值：输出数组的形状与输入相同）；或 none（每个索引求值一次）</translation>
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
    <name>QObject</name>
    <message>
        <source>The plugin %1 crashed SharedMap while it was being loaded, so it is not loaded any more. Kernels ▸ Load plugin… tries it again, in a separate process first.</source>
        <translation>插件 %1 在加载时使 SharedMap 崩溃，因此不再加载它。“内核 ▸ 载入插件…”会先在单独的进程中再试一次。</translation>
    </message>
    <message>
        <source>plugin %1 crashed SharedMap when it was last loaded: not loaded (Kernels ▸ Load plugin… tries it again, in a separate process first)</source>
        <translation>插件 %1 上次加载时使 SharedMap 崩溃：未加载（“内核 ▸ 载入插件…”会先在单独的进程中再试一次）</translation>
    </message>
</context>
<context>
    <name>Questions</name>
    <message>
        <source>Quit SharedMap?</source>
        <translation>退出 SharedMap？</translation>
    </message>
    <message>
        <source>A job is running. Quitting now stops it and drops its results.</source>
        <translation>有任务正在运行。现在退出会停止它并丢弃其结果。</translation>
    </message>
    <message>
        <source>The last job&apos;s results have not been exported. Quitting drops them.</source>
        <translation>上一个任务的结果尚未导出。退出会丢弃它们。</translation>
    </message>
    <message>
        <source>Cancel the job and keep its results</source>
        <translation>取消任务并保留其结果</translation>
    </message>
    <message>
        <source>Export results…</source>
        <translation>导出结果…</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>仍然退出</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes when SharedMap starts again.</source>
        <translation>语言将在 SharedMap 下次启动时更改。</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
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
    <message>
        <source>Descriptor segment; the data is %1 mapped read-only in place</source>
        <translation>描述符内存段；数据为文件 %1，以只读方式原地映射</translation>
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
    <name>sharedmap::ComparePlot</name>
    <message>
        <source>time since the run&apos;s start (s)</source>
        <translation>自运行开始的时间（秒）</translation>
    </message>
    <message>
        <source>the array (%1 MiB)</source>
        <translation>数组（%1 MiB）</translation>
    </message>
    <message>
        <source>%1: %2 MiB at %3 s</source>
        <translation>%1：%3 秒时 %2 MiB</translation>
    </message>
    <message>
        <source>%1: one copy for all workers</source>
        <translation>%1：所有工作进程共用一份</translation>
    </message>
    <message>
        <source>%1: one copy per worker</source>
        <translation>%1：每个工作进程一份副本</translation>
    </message>
    <message>
        <source>copy</source>
        <comment>the mode where each worker gets its own copy of the array</comment>
        <translation>复制</translation>
    </message>
    <message>
        <source>shared</source>
        <comment>the mode where all workers read the one array in shared memory</comment>
        <translation>共享</translation>
    </message>
    <message>
        <source>memory of the run: workers + its segments (MiB)</source>
        <translation>本次运行的内存：工作进程 + 其共享内存段 (MiB)</translation>
    </message>
    <message>
        <source>%1 × the array (%2 MiB): one copy per worker, and the shared one</source>
        <translation>%1 × 数组 (%2 MiB)：每个工作进程一份副本，外加共享的那一份</translation>
    </message>
</context>
<context>
    <name>sharedmap::CompareView</name>
    <message>
        <source>Compare &amp;again</source>
        <translation>再次比较(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Compare shared vs copy</source>
        <translation>比较共享与复制</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>总用时</translation>
    </message>
    <message>
        <source>Start-up</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>峰值内存</translation>
    </message>
    <message>
        <source>× array</source>
        <translation>× 数组</translation>
    </message>
    <message>
        <source>From the start to the first task: starting the workers and, in copy mode, sending the copies</source>
        <translation>从开始到第一个任务的时间：启动工作进程，以及在复制模式下发送副本</translation>
    </message>
    <message>
        <source>shared first</source>
        <translation>先共享</translation>
    </message>
    <message>
        <source>copy first</source>
        <translation>先复制</translation>
    </message>
    <message>
        <source>Which mode runs first; the other runs when it ends</source>
        <translation>先运行哪种模式；另一种在其结束后运行</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>顺序：</translation>
    </message>
    <message>
        <source>A comparison is running: cancel it before starting another.</source>
        <translation>正在进行一次比较：请先取消，再开始新的比较。</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Copy mode was refused before it started. This is the tutorial&apos;s MemoryError, caught up front: %1.</source>
        <translation>复制模式在开始前即被拒绝。这就是教程中的 MemoryError，这里提前捕获：%1。</translation>
    </message>
    <message>
        <source>The %1 run could not start: %2</source>
        <translation>%1 模式的运行无法启动：%2</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>The %1 run failed: %2</source>
        <translation>%1 模式的运行失败：%2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Results identical: yes&lt;/b&gt; — the %1 values of both runs are equal bit for bit.</source>
        <translation>&lt;b&gt;结果一致：是&lt;/b&gt;——两次运行的 %1 个值逐位相等。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Results identical: no&lt;/b&gt; — %1 values differ.</source>
        <translation>&lt;b&gt;结果一致：否&lt;/b&gt;——有 %1 个值不同。</translation>
    </message>
    <message>
        <source>Results identical: — (the two runs did not both finish)</source>
        <translation>结果一致：—（两次运行未全部完成）</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 ×</source>
        <translation>%1 ×</translation>
    </message>
    <message>
        <source>&lt;p&gt;The same job runs twice, one run after the other. &lt;b&gt;shared&lt;/b&gt;: the array is in shared memory &lt;b&gt;once&lt;/b&gt; and every worker reads the same pages, so the total stays near one array whatever the number of workers. &lt;b&gt;copy&lt;/b&gt;: each worker first receives &lt;b&gt;its own copy&lt;/b&gt; of the array through its pipe, as Python&apos;s &lt;tt&gt;process_map(fn, …)&lt;/tt&gt; does when the array is passed as an argument. The copies cost memory (about workers + 1 arrays in all) and time before the first task (the start-up column). Results are the same. When the copies cannot fit, copy mode is refused before it starts: that is the tutorial&apos;s &lt;tt&gt;MemoryError&lt;/tt&gt;, explained instead of a crash.&lt;/p&gt;&lt;p&gt;Memory here is each run&apos;s own: its workers and its segments (input and results). The window itself and the other arrays it holds are left out, so the figures do not depend on what ran before.&lt;/p&gt;</source>
        <translation>&lt;p&gt;同一个任务先后运行两次。&lt;b&gt;共享&lt;/b&gt;（shared）：数组在共享内存中只保存&lt;b&gt;一份&lt;/b&gt;，每个工作进程读取相同的内存页，因此无论工作进程有多少，总量都保持在约一个数组大小。&lt;b&gt;复制&lt;/b&gt;（copy）：每个工作进程先通过各自的管道接收&lt;b&gt;一份自己的副本&lt;/b&gt;，就像 Python 的 &lt;tt&gt;process_map(fn, …)&lt;/tt&gt; 以参数形式传递数组时那样。副本既占内存（总共约为工作进程数 + 1 个数组），也会推迟第一个任务的开始（见“启动”列）。两次结果相同。如果副本放不下，复制模式会在开始前被拒绝：这就是教程中的 &lt;tt&gt;MemoryError&lt;/tt&gt;，只不过这里给出解释而不是崩溃。&lt;/p&gt;&lt;p&gt;这里的内存只计每次运行自己的部分：其工作进程和其内存段（输入与结果）。窗口本身及其持有的其他数组不计在内，因此这些数字与之前运行过什么无关。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Highest memory of the run: its workers&apos; own memory (PSS outside shared memory) plus its input and results segments, each counted once</source>
        <translation>本次运行的最高内存：其工作进程自身的内存（共享内存之外的 PSS），加上其输入段和结果段，每一部分只计一次</translation>
    </message>
    <message>
        <source>Peak memory of the run divided by the array&apos;s size: about 1 when shared, about workers + 1 with a copy per worker</source>
        <translation>本次运行的峰值内存除以数组大小：共享模式约为 1，每个工作进程一份副本时约为工作进程数 + 1</translation>
    </message>
    <message>
        <source>%1 bytes: the input %2, the workers&apos; own memory %3, the results %4</source>
        <translation>%1 字节：输入 %2，工作进程自身内存 %3，结果 %4</translation>
    </message>
</context>
<context>
    <name>sharedmap::ConvergencePlot</name>
    <message>
        <source>batches done</source>
        <translation>已完成批次</translation>
    </message>
    <message>
        <source>running estimate</source>
        <translation>累计估计值</translation>
    </message>
    <message>
        <source>95 % band</source>
        <translation>95 % 置信带</translation>
    </message>
    <message>
        <source>running mean</source>
        <translation>累计均值</translation>
    </message>
</context>
<context>
    <name>sharedmap::CountsPlot</name>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
</context>
<context>
    <name>sharedmap::CsvImportDialog</name>
    <message>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>Comma (,)</source>
        <translation>逗号（,）</translation>
    </message>
    <message>
        <source>Tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>Semicolon (;)</source>
        <translation>分号（;）</translation>
    </message>
    <message>
        <source>Blanks (spaces or tabs)</source>
        <translation>空白（空格或制表符）</translation>
    </message>
    <message>
        <source>Bar (|)</source>
        <translation>竖线（|）</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Columns to keep, counted from 0 and separated by commas, e.g. 0,2,5</source>
        <translation>要保留的列，从 0 开始计数，用逗号分隔，例如 0,2,5</translation>
    </message>
    <message>
        <source>Element type of the array; empty cells and NaN need a float type</source>
        <translation>数组的元素类型；空单元格和 NaN 需要浮点类型</translation>
    </message>
    <message>
        <source>&amp;Delimiter:</source>
        <translation>分隔符(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Header lines:</source>
        <translation>表头行数(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Columns:</source>
        <translation>列(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>类型(&amp;T)：</translation>
    </message>
    <message>
        <source>Column %1 does not exist: the lines have %2 values.</source>
        <translation>列 %1 不存在：各行只有 %2 个值。</translation>
    </message>
    <message>
        <source>No data lines found with these settings.</source>
        <translation>按当前设置未找到数据行。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>blanks</source>
        <translation>空白</translation>
    </message>
    <message>
        <source>Delimiter: %1, header lines: %2, %3 columns per line. The first %4 data lines are shown.</source>
        <translation>分隔符：%1，表头行数：%2，每行 %3 列。下面显示前 %4 行数据。</translation>
    </message>
    <message>
        <source>comma (,)</source>
        <translation>逗号 (,)</translation>
    </message>
    <message>
        <source>semicolon (;)</source>
        <translation>分号 (;)</translation>
    </message>
    <message>
        <source>bar (|)</source>
        <translation>竖线 (|)</translation>
    </message>
    <message>
        <source>Apply the fix named above</source>
        <translation>应用上面给出的修正</translation>
    </message>
    <message>
        <source>Data line %1, column %2: &apos;%3&apos; is not a number of type %4.</source>
        <translation>数据第 %1 行，第 %2 列：“%3”不是 %4 类型的数字。</translation>
    </message>
    <message>
        <source>The first line holds names: count it as a header line (Header lines: %1).</source>
        <translation>第一行是列名：把它算作表头行（表头行数：%1）。</translation>
    </message>
    <message>
        <source>Use %1 header line(s)</source>
        <translation>使用 %1 行表头</translation>
    </message>
    <message>
        <source>%1 (&apos;%2&apos;)</source>
        <translation>%1（“%2”）</translation>
    </message>
    <message>
        <source>Column(s) %1 hold text: keep the numeric ones with Columns: %2.</source>
        <translation>第 %1 列是文本：用“列：%2”只保留数值列。</translation>
    </message>
    <message>
        <source>Use columns %1</source>
        <translation>使用第 %1 列</translation>
    </message>
    <message>
        <source>Change the header lines or the delimiter.</source>
        <translation>请修改表头行数或分隔符。</translation>
    </message>
    <message>
        <source>Not a number: the loader would refuse this file as it is set</source>
        <translation>不是数字：按当前设置，加载器会拒绝这个文件</translation>
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
    <message>
        <source>&amp;Remove from shared memory</source>
        <translation>从共享内存中移除(&amp;R)</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Save as .npy…</source>
        <translation>另存为 .npy(&amp;S)…</translation>
    </message>
    <message>
        <source>Free the array&apos;s shared memory (Delete); a running job keeps its input until it ends</source>
        <translation>释放该数组的共享内存（Delete）；正在运行的任务会保留其输入直到结束</translation>
    </message>
    <message>
        <source>Rename the array (F2)</source>
        <translation>重命名该数组（F2）</translation>
    </message>
    <message>
        <source>Write the array to a .npy file NumPy reads (Ctrl+S)</source>
        <translation>把数组写入 NumPy 可读取的 .npy 文件（Ctrl+S）</translation>
    </message>
    <message>
        <source>Save array</source>
        <translation>保存数组</translation>
    </message>
    <message>
        <source>NumPy array (*.npy)</source>
        <translation>NumPy 数组 (*.npy)</translation>
    </message>
    <message>
        <source>Removed %1 (%2 of shared memory) from the Data panel</source>
        <translation>已从数据面板移除 %1（共享内存 %2）</translation>
    </message>
    <message>
        <source>Could not save %1 to %2: %3</source>
        <translation>无法将 %1 保存到 %2：%3</translation>
    </message>
    <message>
        <source>Saved %1 to %2</source>
        <translation>已将 %1 保存到 %2</translation>
    </message>
    <message>
        <source>%1 results (job %2)</source>
        <translation>%1 的结果（任务 %2）</translation>
    </message>
    <message>
        <source>%1 of %2 (job %3)</source>
        <translation>%2 的 %1（任务 %3）</translation>
    </message>
    <message>
        <source>Counts of job %1 (%2 %3) added as the array &quot;%4&quot;</source>
        <translation>任务 %1 的计数（%2 %3）已添加为数组“%4”</translation>
    </message>
    <message>
        <source>Results of job %1 (%2 %3) added as the array &quot;%4&quot;, without a copy</source>
        <translation>任务 %1 的结果（%2 %3）已添加为数组“%4”，没有复制</translation>
    </message>
    <message>
        <source>In shared memory: %1 of %2 (%3 %)</source>
        <translation>共享内存中：%1，共 %2（%3 %）</translation>
    </message>
    <message>
        <source>In shared memory: %1</source>
        <translation>共享内存中：%1</translation>
    </message>
    <message>
        <source>%1 is what this process&apos;s cgroup allows.</source>
        <translation>%1 是本进程所在 cgroup 允许的上限。</translation>
    </message>
    <message>
        <source>%1 is this machine&apos;s memory.</source>
        <translation>%1 是本机的内存。</translation>
    </message>
    <message>
        <source>Every array listed is held in shared memory until it is removed (Delete).</source>
        <translation>列出的每个数组都保存在共享内存中，直到被移除（Delete）。</translation>
    </message>
</context>
<context>
    <name>sharedmap::DatasetPickerDialog</name>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Choose a dataset of %1</source>
        <translation>选择 %1 中的数据集</translation>
    </message>
    <message>
        <source>Choose an array of %1</source>
        <translation>选择 %1 中的数组</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Part of the dataset to load: START:STOP[:STEP] per dimension, separated by commas, e.g. 0:1000,::2</source>
        <translation>要载入的数据集部分：每个维度写作 START:STOP[:STEP]，用逗号分隔，例如 0:1000,::2</translation>
    </message>
    <message>
        <source>&amp;Slice (optional):</source>
        <translation>切片（可选）(&amp;S)：</translation>
    </message>
    <message>
        <source>%1 (not supported)</source>
        <translation>%1（不支持）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>The file holds no array SharedMap can read.</source>
        <translation>该文件中没有 SharedMap 能读取的数组。</translation>
    </message>
</context>
<context>
    <name>sharedmap::DemoPanel</name>
    <message>
        <source>Demos</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>&lt;p&gt;Pick a demo from the &lt;b&gt;Demos&lt;/b&gt; menu: it loads its data and its job in one click, and this panel explains what to look at.&lt;/p&gt;</source>
        <translation>&lt;p&gt;从&lt;b&gt;演示&lt;/b&gt;菜单中选择一个演示：一键载入其数据和任务，本面板会说明需要观察什么。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>How fast the demos run: slowed down to be watched (pauses in each task), or at full speed. The work itself stays the same.</source>
        <translation>演示运行的快慢：放慢以便观察（每个任务中加入停顿），或全速运行。工作本身不变。</translation>
    </message>
    <message>
        <source>&amp;Pace:</source>
        <translation>节奏(&amp;P)：</translation>
    </message>
</context>
<context>
    <name>sharedmap::FormulaEditor</name>
    <message>
        <source>e.g. x^2</source>
        <translation>例如 x^2</translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation>示例…</translation>
    </message>
    <message>
        <source>reduce:</source>
        <translation>reduce：</translation>
    </message>
    <message>
        <source>Position %1: %2</source>
        <translation>位置 %1：%2</translation>
    </message>
    <message>
        <source>Preview: the result for the first index shows once an array is loaded.</source>
        <translation>预览：载入数组后将显示第一个索引的结果。</translation>
    </message>
    <message>
        <source>Preview, index %1: computing…</source>
        <translation>预览，索引 %1：计算中…</translation>
    </message>
    <message>
        <source>Preview, index %1: %2</source>
        <translation>预览，索引 %1：%2</translation>
    </message>
    <message>
        <source>Preview, index %1 fails: %2</source>
        <translation>预览，索引 %1 计算失败：%2</translation>
    </message>
    <message>
        <source>[%1] (%2 values)</source>
        <translation>[%1]（%2 个值）</translation>
    </message>
    <message>
        <source>muparser expression. Element mode: x (the element), i (the row index), j (position in the row), n (row length); reduce=map keeps the row of values. reduce=none: evaluated once per index; read elements with B(r, c) or B(k). Functions: sin, cos, exp, log, sqrt, abs, min, max, sum, avg, a ? b : c …</source>
        <translation>muparser 表达式。元素模式：x（元素）、i（行索引）、j（在行中的位置）、n（行长度）；reduce=map 保留整行的值。reduce=none：每个索引求值一次；用 B(r, c) 或 B(k) 读取元素。函数：sin、cos、exp、log、sqrt、abs、min、max、sum、avg、a ? b : c …</translation>
    </message>
    <message>
        <source>How the values of a row&apos;s elements combine into the index&apos;s result; map keeps them all (the result is a row, like the input&apos;s); none evaluates the formula once per index</source>
        <translation>一行中各元素的值如何合并为该索引的结果；map 全部保留（结果是一行，与输入的行相同）；none 对每个索引只求值一次</translation>
    </message>
    <message>
        <source>Type a formula evaluated once per index i, for example B(i, 0) + B(i, 1), or pick one of the examples.</source>
        <translation>输入一个对每个索引 i 计算一次的公式，例如 B(i, 0) + B(i, 1)，或从示例中选择一个。</translation>
    </message>
    <message>
        <source>Type a formula in x, each element of the row, for example x^2 or sqrt(x), or pick one of the examples; reduce then combines the row&apos;s values.</source>
        <translation>输入一个关于 x（行中的每个元素）的公式，例如 x^2 或 sqrt(x)，或从示例中选择一个；然后由 reduce 合并该行的值。</translation>
    </message>
    <message>
        <source>Position %1: &apos;%2&apos; is not a name formulas know. Variables: %3. Functions: %4. Constants: %5.</source>
        <translation>位置 %1：“%2”不是公式可用的名称。变量：%3。函数：%4。常量：%5。</translation>
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
    <name>sharedmap::Guide</name>
    <message>
        <source>SharedMap guide</source>
        <translation>SharedMap 使用指南</translation>
    </message>
    <message>
        <source>&lt;h2&gt;SharedMap&lt;/h2&gt;&lt;p&gt;SharedMap runs a &lt;b&gt;kernel&lt;/b&gt; over the &lt;b&gt;indices&lt;/b&gt; of an array with several &lt;b&gt;worker processes&lt;/b&gt;, like Python&apos;s &lt;tt&gt;process_map(fn, indices, max_workers, chunksize)&lt;/tt&gt;. The array is put &lt;b&gt;once&lt;/b&gt; in shared memory and every worker reads the same bytes: no copies.&lt;/p&gt;&lt;h3&gt;The window&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Data&lt;/b&gt;: the arrays in shared memory. Open an array file (.npy, .npz, HDF5, CSV, image, raw; Ctrl+O), drop one on the window, or generate one (Ctrl+G). The selected array is the job&apos;s input; below it, a heatmap and a table of its values.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Job&lt;/b&gt;: the kernel and its parameters, the indices (&lt;tt&gt;all&lt;/tt&gt;, a Python slice like &lt;tt&gt;0:100:2&lt;/tt&gt;, a list like &lt;tt&gt;0,1,2&lt;/tt&gt;), the number of workers and the chunk size (how many indices a worker claims at a time).&lt;/li&gt;&lt;li&gt;&lt;b&gt;Monitor&lt;/b&gt;: the progress bar with tqdm&apos;s figures (done/total [elapsed&amp;lt;remaining, rate]), one row per worker (state, chunk held, tasks done, CPU, memory), and live plots: results against index, throughput, a timeline of which worker computed which chunk, and memory over time next to the array&apos;s size.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Results&lt;/b&gt; and &lt;b&gt;Log&lt;/b&gt;: the ordered results (Ctrl+C copies them) and what happened, with times.&lt;/li&gt;&lt;/ul&gt;&lt;h3&gt;Plots&lt;/h3&gt;&lt;p&gt;Drag to pan, scroll to zoom, double-click to reset the view, hover a point to read it.&lt;/p&gt;&lt;h3&gt;Shortcuts&lt;/h3&gt;&lt;p&gt;Ctrl+R run, Esc cancel, Ctrl+O open, Ctrl+G generate, Ctrl+E export results.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;SharedMap&lt;/h2&gt;&lt;p&gt;SharedMap 使用多个&lt;b&gt;工作进程&lt;/b&gt;，对数组的&lt;b&gt;索引&lt;/b&gt;运行&lt;b&gt;内核&lt;/b&gt;，就像 Python 的 &lt;tt&gt;process_map(fn, indices, max_workers, chunksize)&lt;/tt&gt;。数组在共享内存中只存放&lt;b&gt;一份&lt;/b&gt;，每个工作进程读取相同的字节：没有副本。&lt;/p&gt;&lt;h3&gt;窗口&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;数据&lt;/b&gt;：共享内存中的数组。可以打开数组文件（.npy、.npz、HDF5、CSV、图像、原始二进制；Ctrl+O）、将文件拖放到窗口上，或生成一个数组（Ctrl+G）。选中的数组即任务的输入；其下方是它的值的热图和表格。&lt;/li&gt;&lt;li&gt;&lt;b&gt;任务&lt;/b&gt;：内核及其参数、索引（&lt;tt&gt;all&lt;/tt&gt;、Python 切片如 &lt;tt&gt;0:100:2&lt;/tt&gt;、列表如 &lt;tt&gt;0,1,2&lt;/tt&gt;）、工作进程数和分块大小（工作进程每次领取的索引数）。&lt;/li&gt;&lt;li&gt;&lt;b&gt;监视&lt;/b&gt;：带有 tqdm 各项数据的进度条（已完成/总数 [已用时间&amp;lt;剩余时间, 速率]）、每个工作进程一行（状态、持有的分块、已完成任务数、CPU、内存），以及实时图表：结果随索引的分布、吞吐量、显示哪个工作进程计算了哪个分块的时间线，以及内存随时间的变化（与数组大小对照）。&lt;/li&gt;&lt;li&gt;&lt;b&gt;结果&lt;/b&gt;和&lt;b&gt;日志&lt;/b&gt;：按顺序排列的结果（Ctrl+C 复制）以及带时间的运行记录。&lt;/li&gt;&lt;/ul&gt;&lt;h3&gt;图表&lt;/h3&gt;&lt;p&gt;拖动以平移，滚动以缩放，双击重置视图，鼠标悬停在点上可读取其值。&lt;/p&gt;&lt;h3&gt;快捷键&lt;/h3&gt;&lt;p&gt;Ctrl+R 运行，Esc 取消，Ctrl+O 打开，Ctrl+G 生成，Ctrl+E 导出结果。&lt;/p&gt;</translation>
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
    <name>sharedmap::JobFile</name>
    <message>
        <source>Job saved to %1</source>
        <translation>任务已保存到 %1</translation>
    </message>
    <message>
        <source>Job saved to %1, with its input &quot;%2&quot; (%3) written beside it as %4</source>
        <translation>任务已保存到 %1，其输入“%2”（%3）已作为 %4 写在旁边</translation>
    </message>
    <message>
        <source>Could not save the job to %1: %2</source>
        <translation>无法将任务保存到 %1：%2</translation>
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
    <message numerus="yes">
        <source>%n index(es) of %1</source>
        <translation>
            <numerusform>%n 个索引（共 %1 个）</numerusform>
        </translation>
    </message>
    <message>
        <source>Shared memory (one copy)</source>
        <translation>共享内存（单份）</translation>
    </message>
    <message>
        <source>Copy per worker (like process_map)</source>
        <translation>每个工作进程一份副本（同 process_map）</translation>
    </message>
    <message>
        <source>Shared: every worker reads the one array in shared memory. Copy: each worker first receives its own copy through its pipe, as process_map does when the array is passed as an argument — same results, more memory, slower start</source>
        <translation>共享：每个工作进程读取共享内存中的同一个数组。复制：每个工作进程先通过各自的管道接收一份自己的副本，与以参数形式传递数组时的 process_map 相同——结果相同，但占用更多内存，启动更慢</translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation>内存(&amp;M)：</translation>
    </message>
    <message>
        <source>%1 (plugin)</source>
        <translation>%1（插件）</translation>
    </message>
    <message>
        <source>%1
From %2</source>
        <translation>%1
来自 %2</translation>
    </message>
    <message>
        <source> · plugin %1</source>
        <translation> · 插件 %1</translation>
    </message>
    <message>
        <source>Plugin file: %1</source>
        <translation>插件文件：%1</translation>
    </message>
    <message>
        <source>Load or generate an array first (File ▸ Open, or drop a file here).</source>
        <translation>请先载入或生成一个数组（文件 ▸ 打开数组，或将文件拖放到此处）。</translation>
    </message>
    <message>
        <source>chosen as it runs</source>
        <translation>运行时选择</translation>
    </message>
    <message>
        <source>Crashes an index may cause before it is marked failed and the job goes on without it (max_retries)</source>
        <translation>某个索引在被标记为失败、任务不再等它之前可引起的崩溃次数（max_retries）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>A worker that makes no progress on its chunk for this long is killed and the chunk retried (task_timeout_s; none: wait as long as it takes)</source>
        <translation>某个工作进程在其块上这么长时间没有进展就会被终止，并重试该块（task_timeout_s；无：需要多久就等多久）</translation>
    </message>
    <message>
        <source>&amp;Retries:</source>
        <translation>重试次数(&amp;R)：</translation>
    </message>
    <message>
        <source>Task &amp;timeout:</source>
        <translation>任务超时(&amp;T)：</translation>
    </message>
    <message>
        <source>in use: </source>
        <translation>使用中：</translation>
    </message>
    <message>
        <source>Auto chose chunks of %1 indices from the measured task time</source>
        <translation>自动根据测得的任务时间选择了每块 %1 个索引</translation>
    </message>
</context>
<context>
    <name>sharedmap::KernelMenu</name>
    <message>
        <source>&amp;Kernels</source>
        <translation>内核(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Load plugin…</source>
        <translation>载入插件(&amp;L)…</translation>
    </message>
    <message>
        <source>Load a kernel plugin (.so) built with the SharedMap SDK; see docs/KERNELS.md</source>
        <translation>载入用 SharedMap SDK 构建的内核插件（.so）；参见 docs/KERNELS.md</translation>
    </message>
    <message>
        <source>Open the &amp;plugins folder</source>
        <translation>打开插件文件夹(&amp;P)</translation>
    </message>
    <message>
        <source>Plugins in %1 are loaded when SharedMap starts</source>
        <translation>SharedMap 启动时会载入 %1 中的插件</translation>
    </message>
    <message>
        <source>Load kernel plugin</source>
        <translation>载入内核插件</translation>
    </message>
    <message>
        <source>Kernel plugins (*.so)</source>
        <translation>内核插件 (*.so)</translation>
    </message>
    <message>
        <source>cannot check plugin %1: %2</source>
        <translation>无法检查插件 %1：%2</translation>
    </message>
</context>
<context>
    <name>sharedmap::KernelViews</name>
    <message>
        <source>Colour bands by worker</source>
        <translation>按工作进程着色</translation>
    </message>
    <message>
        <source>Tint each row with the colour of the worker that computed it (as in the Timeline)</source>
        <translation>用计算该行的工作进程的颜色为每一行着色（与时间线中相同）</translation>
    </message>
    <message>
        <source>Log colours</source>
        <translation>对数色标</translation>
    </message>
    <message>
        <source>Colour by the logarithm of the value: for values spanning orders of magnitude</source>
        <translation>按值的对数着色：适用于跨越多个数量级的值</translation>
    </message>
    <message>
        <source>Save image…</source>
        <translation>保存图像…</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>保存图像</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>The results as an image, filling in as chunks finish</source>
        <translation>以图像显示结果，随分块完成逐步填充</translation>
    </message>
    <message>
        <source>Race</source>
        <translation>竞态</translation>
    </message>
    <message>
        <source>The shared counter against what it should be</source>
        <translation>共享计数器与其应有值的对比</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>The shared counts, as the workers add to them</source>
        <translation>共享计数，随工作进程的累加而更新</translation>
    </message>
    <message>
        <source>π</source>
        <translation>π</translation>
    </message>
    <message>
        <source>π estimate</source>
        <translation>π 估计</translation>
    </message>
    <message>
        <source>The mean of the batches done so far, converging to π</source>
        <translation>已完成批次的均值，逐渐收敛到 π</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:%1&apos;&gt;■&lt;/span&gt; worker %2</source>
        <translation>&lt;span style=&apos;color:%1&apos;&gt;■&lt;/span&gt; 工作进程 %2</translation>
    </message>
    <message>
        <source>The last run of each lock on the same work: the race, the mutex and the atomic add side by side</source>
        <translation>每种锁在相同工作量上的最近一次运行：竞态、互斥锁和原子加并列显示</translation>
    </message>
    <message>
        <source>Same work for each lock: %1 tasks × %2 increments. Run with lock = none, mutex and atomic to compare their times here.</source>
        <translation>每种锁的工作量相同：%1 个任务 × %2 次加法。分别用 lock = none、mutex 和 atomic 运行，即可在此比较用时。</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1：%2 秒</translation>
    </message>
    <message>
        <source>%1: not run yet</source>
        <translation>%1：尚未运行</translation>
    </message>
    <message>
        <source>Same work (%1 tasks × %2 increments), lock by lock — %3</source>
        <translation>相同工作量（%1 个任务 × %2 次加法），逐种锁——%3</translation>
    </message>
    <message>
        <source>π ≈ %1 ± %2 (95 %, from %3 batches); it differs from π by %4.</source>
        <translation>π ≈ %1 ± %2（95 %，来自 %3 批）；与 π 相差 %4。</translation>
    </message>
</context>
<context>
    <name>sharedmap::LivePlot</name>
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
        <source>Cannot save a plot as &quot;%1&quot;: choose a file name ending in .png, .pdf or .svg.</source>
        <translation>无法将图保存为“%1”：请选择以 .png、.pdf 或 .svg 结尾的文件名。</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf);;SVG 图形 (*.svg)</translation>
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
        <source>&amp;Export results…</source>
        <translation>导出结果(&amp;E)…</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>导出结果</translation>
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
        <source>Save &amp;plot…</source>
        <translation>保存图表(&amp;P)…</translation>
    </message>
    <message>
        <source>Plot saved to %1</source>
        <translation>图表已保存到 %1</translation>
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
        <source>Load an array (.npy, .npz, HDF5, CSV, image, raw) into shared memory (Ctrl+O)</source>
        <translation>将数组（.npy、.npz、HDF5、CSV、图像、原始二进制）载入共享内存（Ctrl+O）</translation>
    </message>
    <message>
        <source>Write the results to .npy, .csv or HDF5 (Ctrl+E)</source>
        <translation>将结果写入 .npy、.csv 或 HDF5（Ctrl+E）</translation>
    </message>
    <message>
        <source>Loaded plugin kernels: %1</source>
        <translation>已载入插件内核：%1</translation>
    </message>
    <message>
        <source>&amp;Demos</source>
        <translation>演示(&amp;D)</translation>
    </message>
    <message>
        <source>Load this demo&apos;s data and job, with an explanation</source>
        <translation>载入此演示的数据和任务，并附说明</translation>
    </message>
    <message>
        <source>Compare shared vs &amp;copy…</source>
        <translation>比较共享与复制(&amp;C)…</translation>
    </message>
    <message>
        <source>Run the job twice, with the array shared and with a copy per worker, and compare memory and time</source>
        <translation>将任务运行两次，分别共享数组和为每个工作进程复制一份，比较内存与时间</translation>
    </message>
    <message>
        <source>Compare needs an input array: open or generate one first.</source>
        <translation>比较需要输入数组：请先打开或生成一个。</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>There is no demo &apos;%1&apos;.</source>
        <translation>没有名为“%1”的演示。</translation>
    </message>
    <message>
        <source>Demo: %1</source>
        <translation>演示：%1</translation>
    </message>
    <message>
        <source>Demo ready: press Run (Ctrl+R)</source>
        <translation>演示已就绪：请按“运行”（Ctrl+R）</translation>
    </message>
    <message>
        <source>Loading %1 from %2</source>
        <translation>正在从 %2 载入 %1</translation>
    </message>
    <message>
        <source>Use results as &amp;input</source>
        <translation>将结果用作输入(&amp;I)</translation>
    </message>
    <message>
        <source>Add the last job&apos;s results to the Data panel as an array and select it: no copy, the next job reads them where the workers wrote them</source>
        <translation>把上一个作业的结果作为数组加入数据面板并选中它：不复制，下一个作业直接读取工作进程写入的位置</translation>
    </message>
    <message>
        <source>%1% — %2 — SharedMap</source>
        <translation>%1% — %2 — SharedMap</translation>
    </message>
    <message>
        <source>Results of job %1 exported to %2</source>
        <translation>任务 %1 的结果已导出到 %2</translation>
    </message>
    <message>
        <source>Save the plot shown in the Monitor as PNG, PDF or SVG, with its size, resolution and a title</source>
        <translation>把监视器中显示的图保存为 PNG、PDF 或 SVG，可设置尺寸、分辨率和标题</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>Put the panels back where they were at the first start, sized for this window</source>
        <translation>把各面板放回首次启动时的位置，并按当前窗口调整大小</translation>
    </message>
    <message>
        <source>Cancelled: %1 of %2 indices computed</source>
        <translation>已取消：已计算 %2 个索引中的 %1 个</translation>
    </message>
    <message>
        <source>Done in %1 s over %2 runs</source>
        <translation>用时 %1 秒，共 %2 次运行</translation>
    </message>
    <message>
        <source>%1 — %2, job %3</source>
        <translation>%1 — %2，任务 %3</translation>
    </message>
    <message>
        <source>%1 — %2 on %3, job %4</source>
        <translation>%1 — %3 上的 %2，任务 %4</translation>
    </message>
    <message>
        <source>Run is disabled: %1</source>
        <translation>无法运行：%1</translation>
    </message>
    <message>
        <source>Nothing to run: %1</source>
        <translation>无可运行：%1</translation>
    </message>
    <message>
        <source>Idle. Press Run (Ctrl+R) to start the job.</source>
        <translation>空闲。按运行（Ctrl+R）开始任务。</translation>
    </message>
</context>
<context>
    <name>sharedmap::MemoryPlot</name>
    <message>
        <source>time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>memory (MiB), stacked</source>
        <translation>内存 (MiB)，堆叠</translation>
    </message>
    <message>
        <source>this job&apos;s input (shared memory)</source>
        <translation>本任务的输入（共享内存）</translation>
    </message>
    <message>
        <source>workers&apos; own memory</source>
        <translation>工作进程自身内存</translation>
    </message>
    <message>
        <source>this job&apos;s results (shared memory)</source>
        <translation>本任务的结果（共享内存）</translation>
    </message>
    <message>
        <source>the window itself</source>
        <translation>窗口本身</translation>
    </message>
    <message>
        <source>other arrays held</source>
        <translation>持有的其他数组</translation>
    </message>
    <message>
        <source>%1: %2 MiB</source>
        <translation>%1：%2 MiB</translation>
    </message>
    <message>
        <source>at %1 s, %2 MiB in all:</source>
        <translation>在 %1 秒时，共 %2 MiB：</translation>
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
    <message>
        <source>The shared counter reached %1 of %2: %3 updates were lost to the race.</source>
        <translation>共享计数器达到 %1（应为 %2）：有 %3 次更新因竞态而丢失。</translation>
    </message>
    <message>
        <source>The shared counter reached %1 of %2: no update was lost.</source>
        <translation>共享计数器达到 %1（应为 %2）：没有丢失任何更新。</translation>
    </message>
    <message>
        <source>What the last job did: its time, its memory, what went wrong</source>
        <translation>上一个任务做了什么：用时、内存、出错之处</translation>
    </message>
    <message>
        <source>Memory part by part — this job&apos;s input and results in shared memory, the workers&apos; own memory, the window, other arrays — next to the array&apos;s size</source>
        <translation>按部分显示内存——本任务在共享内存中的输入和结果、工作进程自身内存、窗口、其他数组——并与数组大小对照</translation>
    </message>
    <message>
        <source>the array (%1)</source>
        <translation>数组（%1）</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <source>%1 — cancelled</source>
        <translation>%1 — 已取消</translation>
    </message>
    <message>
        <source>Cancelled: %1 of %2 indices computed, %3 of them in this run (%4 s); the job has taken %5 s over %6 runs.</source>
        <translation>已取消：已计算 %2 个索引中的 %1 个，其中 %3 个在本次运行中（%4 秒）；该任务共用时 %5 秒，共 %6 次运行。</translation>
    </message>
    <message>
        <source>Resume (Ctrl+Shift+R) computes the rest.</source>
        <translation>恢复（Ctrl+Shift+R）会计算其余部分。</translation>
    </message>
    <message>
        <source>Done: %1 indices in %2 s over %3 runs. This run computed %4 in %5 s (start-up %6 s, compute %7 s); %8 were done before it.</source>
        <translation>完成：%1 个索引，用时 %2 秒，共 %3 次运行。本次运行在 %5 秒内计算了 %4 个（启动 %6 秒，计算 %7 秒）；其前已完成 %8 个。</translation>
    </message>
    <message>
        <source>Peak memory of this job: %1 (the workers&apos; own %2, the results %3)</source>
        <translation>本任务的峰值内存：%1（工作进程自身 %2，结果 %3）</translation>
    </message>
    <message>
        <source>Peak memory of this job: %1 = %2 × the array: copy mode, each worker held its own copy of it (their own memory %3) besides the one in shared memory (%4)</source>
        <translation>本任务的峰值内存：%1 = %2 × 数组：复制模式，每个工作进程除共享内存中的那一份（%4）之外各自持有一份副本（它们自身的内存 %3）</translation>
    </message>
    <message>
        <source>Peak memory of this job: %1 = %2 × the array: the array (%3) once in shared memory for all workers, their own memory %4, the results %5</source>
        <translation>本任务的峰值内存：%1 = %2 × 数组：数组（%3）在共享内存中只有一份，供所有工作进程使用；它们自身的内存 %4，结果 %5</translation>
    </message>
    <message>
        <source>%1 (not counted: the window %2, other arrays %3)</source>
        <translation>%1（不计入：窗口 %2，其他数组 %3）</translation>
    </message>
    <message>
        <source>%1 — failed</source>
        <translation>%1 — 失败</translation>
    </message>
</context>
<context>
    <name>sharedmap::OutputImageView</name>
    <message>
        <source>Each row is the result of one index, drawn as it arrives</source>
        <translation>每一行是一个索引的结果，到达即绘制</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>sharedmap::PlotExportDialog</name>
    <message>
        <source>Save plot</source>
        <translation>保存图</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>Resolution of a PNG: 96 is the screen&apos;s, 300 is for print (the pixels grow with it)</source>
        <translation>PNG 的分辨率：96 为屏幕分辨率，300 用于打印（像素随之增加）</translation>
    </message>
    <message>
        <source>Written above the plot in the file; empty for none</source>
        <translation>写在文件中图的上方；留空则不写</translation>
    </message>
    <message>
        <source>&amp;Width:</source>
        <translation>宽度(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Height:</source>
        <translation>高度(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Resolution:</source>
        <translation>分辨率(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>标题(&amp;T)：</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf);;SVG 图形 (*.svg)</translation>
    </message>
    <message>
        <source>The plot is no longer shown.</source>
        <translation>该图已不再显示。</translation>
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
    <message>
        <source>worker %1 (pid %2) crashed (signal %3, %4)</source>
        <translation>工作进程 %1（pid %2）崩溃（信号 %3，%4）</translation>
    </message>
    <message>
        <source>worker %1 started again (restart %2 of this slot)</source>
        <translation>工作进程 %1 已重新启动（该槽位第 %2 次重启）</translation>
    </message>
    <message>
        <source>positions %1:%2 of worker %3 go back to the queue (retry %4 of %5)</source>
        <translation>工作进程 %3 的位置 %1:%2 已放回队列（第 %4 次重试，共 %5 次）</translation>
    </message>
</context>
<context>
    <name>sharedmap::RacePlot</name>
    <message>
        <source>time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>shared counter</source>
        <translation>共享计数器</translation>
    </message>
    <message>
        <source>expected (increments made)</source>
        <translation>期望值（已执行的递增次数）</translation>
    </message>
    <message>
        <source>counter as the workers left it</source>
        <translation>工作进程写入后的计数器值</translation>
    </message>
</context>
<context>
    <name>sharedmap::RawImportDialog</name>
    <message>
        <source>Import raw data from %1</source>
        <translation>从 %1 导入原始数据</translation>
    </message>
    <message>
        <source>e.g. 480x640</source>
        <translation>例如 480x640</translation>
    </message>
    <message>
        <source>Little-endian (x86, ARM)</source>
        <translation>小端序（x86、ARM）</translation>
    </message>
    <message>
        <source>Big-endian</source>
        <translation>大端序</translation>
    </message>
    <message>
        <source> bytes</source>
        <translation> 字节</translation>
    </message>
    <message>
        <source>Bytes of header to skip before the data</source>
        <translation>数据之前要跳过的头部字节数</translation>
    </message>
    <message>
        <source>File size:</source>
        <translation>文件大小：</translation>
    </message>
    <message>
        <source>%1 bytes (%2)</source>
        <translation>%1 字节（%2）</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>类型(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Shape:</source>
        <translation>形状(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Byte order:</source>
        <translation>字节序(&amp;B)：</translation>
    </message>
    <message>
        <source>Header &amp;offset:</source>
        <translation>头部偏移(&amp;O)：</translation>
    </message>
    <message>
        <source>Shape %1 of %2 needs %3 bytes; the file holds %4 bytes after the offset.</source>
        <translation>形状 %1、类型 %2 需要 %3 字节；文件在偏移之后有 %4 字节。</translation>
    </message>
    <message>
        <source>The shape fits the file exactly.</source>
        <translation>该形状与文件大小正好相符。</translation>
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
        <source>resumed</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source>worker %1: positions %2:%3 (%4), %5 s</source>
        <translation>工作进程 %1：位置 %2:%3（%4 个），%5 秒</translation>
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
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>%1 (↻%2)</source>
        <translation>%1（↻%2）</translation>
    </message>
    <message>
        <source>The job was cancelled: the worker was stopped before the job was done</source>
        <translation>任务已取消：该工作进程在任务完成前被停止</translation>
    </message>
    <message numerus="yes">
        <source>Positions %1:%2 (%n position(s), the end excluded, as in Python), claimed and being computed</source>
        <translation>
            <numerusform>位置 %1:%2（%n 个位置，不含末端，与 Python 相同），已认领并正在计算</numerusform>
        </translation>
    </message>
    <message>
        <source>The worker&apos;s own memory: its PSS outside shared memory. In copy mode its copy of the array is here; in shared mode only its code and stack</source>
        <translation>工作进程自身的内存：共享内存之外的 PSS。复制模式下它的数组副本在这里；共享模式下只有其代码和栈</translation>
    </message>
    <message>
        <source>Own</source>
        <translation>自身</translation>
    </message>
</context>
</TS>
