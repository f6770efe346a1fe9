import 'katex/dist/katex.min.css'
import katex from 'katex'

/** KaTeX and its stylesheet, imported only when an answer contains math. */
export default katex
