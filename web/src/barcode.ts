// Code 128 barcodes for printed slips (JsBarcode); a chunk of its own, loaded only by the slip.
import JsBarcode from 'jsbarcode';

export function drawBarcode(svg: SVGSVGElement, text: string) {
  JsBarcode(svg, text, { format: 'CODE128', width: 2, height: 64, displayValue: true, margin: 8, fontSize: 16 });
}
